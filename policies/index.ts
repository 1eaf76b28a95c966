import { AuthenticatedViewer, Persona, personaOf, Viewer } from '../src/context/viewer';
import { AppAbility, Builder, newBuilder } from './ability';
import { committeePolicy } from './committee';
import { coordinatorPolicy } from './coordinator';
import { finderPolicy } from './finder';
import { memberPolicy } from './member';
import { operatorPolicy } from './operator';
import { publicPolicy } from './public';
import { receiverPolicy } from './receiver';
import { vendorPolicy } from './vendor';

export type { AppAbility } from './ability';

type PersonaPolicy = (builder: Builder, viewer: AuthenticatedViewer, now: Date) => void;
const nothingMore: PersonaPolicy = () => undefined;

/** One policy per persona. Every authenticated persona also gets the member and finder rules. */
export const POLICIES: Record<Exclude<Persona, 'PUBLIC'>, PersonaPolicy> = {
  COORDINATOR: coordinatorPolicy,
  RECEIVER: receiverPolicy,
  VENDOR: vendorPolicy,
  OPERATOR: operatorPolicy,
  COMMITTEE: committeePolicy,
  FINDER: nothingMore,
};

/** The viewer's ability at `now`. Time-dependent rules (publication, embargo windows) compare with `now`. */
export function buildAbility(viewer: Viewer, now: Date): AppAbility {
  const builder = newBuilder();
  publicPolicy(builder, now);
  if (viewer.kind === 'authenticated') {
    const persona = personaOf(viewer);
    const policy = POLICIES[persona as Exclude<Persona, 'PUBLIC'>];
    if (!policy) throw new Error(`No policy for persona ${persona}`);
    memberPolicy(builder, viewer);
    finderPolicy(builder, viewer, now);
    policy(builder, viewer, now);
  }
  return builder.build();
}
