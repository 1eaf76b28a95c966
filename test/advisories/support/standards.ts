import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { SaxesParser } from 'saxes';

export interface CsafValidation {
  isValid: boolean;
  testCount: number;
  errors: { test: string; instancePath: string; message: string }[];
}

/** Runs @secvisogram/csaf-validator-lib (csaf_2_0_strict + all mandatory tests) on each document, in one child process. */
export function validateCsafDocuments(documents: unknown[]): Promise<CsafValidation[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [join(__dirname, 'csaf-validate.mjs')], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`csaf validator failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout) as CsafValidation[]);
    });
    child.stdin!.end(JSON.stringify(documents));
  });
}

function schemaFile(name: string): object {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'schema', 'standards', name), 'utf8')) as object;
}

/** The official CVE JSON 5.1 bundled schema (draft-07) shipped in schema/standards. */
export function cveRecordValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schemaFile('CVE_JSON_5.1_bundled.json'));
}

/** The OASIS CSAF 2.0 JSON schema (draft 2020-12) shipped in schema/standards, with the FIRST CVSS schemas it refers to. */
export function csafSchemaValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  for (const version of ['2.0', '3.0', '3.1']) {
    const { $id: _versionedId, ...cvss } = schemaFile(`cvss-v${version}.json`) as { $id?: string };
    ajv.addSchema(cvss, `https://www.first.org/cvss/cvss-v${version}.json`);
  }
  return ajv.compile(schemaFile('csaf_2.0_json_schema.json'));
}

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** Parses an Atom document with a conforming XML parser; throws unless it is well-formed and every element is Atom. */
export function parseAtom(xml: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  parser.on('error', (error) => {
    throw error;
  });
  parser.on('opentag', (tag) => {
    const attributes: Record<string, string> = {};
    for (const [name, attribute] of Object.entries(tag.attributes)) attributes[name] = typeof attribute === 'string' ? attribute : attribute.value;
    const element: XmlElement = { name: tag.local ?? tag.name, attributes, children: [], text: '' };
    if (tag.uri !== 'http://www.w3.org/2005/Atom') throw new Error(`element ${tag.name} is not in the Atom namespace`);
    stack.at(-1)?.children.push(element);
    stack.push(element);
    root ??= element;
  });
  parser.on('text', (text) => {
    const current = stack.at(-1);
    if (current) current.text += text;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.write(xml).close();
  if (!root) throw new Error('no root element');
  return root;
}

export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

export function childText(element: XmlElement, name: string): string | undefined {
  return childrenNamed(element, name)[0]?.text;
}
