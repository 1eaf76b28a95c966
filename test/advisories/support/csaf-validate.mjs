// Validates CSAF 2.0 documents with the BSI/secvisogram validator in strict mode: the csaf_2_0_strict schema test
// plus every mandatory test. The library is ESM-only, so the Jest suites run it through this script.
// Input on stdin: a JSON array of documents. Output on stdout: a JSON array of { isValid, errors } per document.
import validateStrict from '@secvisogram/csaf-validator-lib/validateStrict.js';
import * as mandatory from '@secvisogram/csaf-validator-lib/mandatoryTests.js';
import { csaf_2_0_strict } from '@secvisogram/csaf-validator-lib/schemaTests.js';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const documents = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const tests = [csaf_2_0_strict, ...Object.values(mandatory)];
const results = [];
for (const document of documents) {
  const result = await validateStrict(tests, document);
  const errors = result.tests.flatMap((test) => test.errors.map((error) => ({ test: test.name, instancePath: error.instancePath, message: error.message })));
  results.push({ isValid: result.isValid, testCount: result.tests.length, errors });
}
process.stdout.write(JSON.stringify(results));
