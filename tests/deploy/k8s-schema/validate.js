#!/usr/bin/env node
// Validates Kubernetes objects against the Kubernetes OpenAPI schema (the kubernetes-models
// package: one model per kind, generated from the API's OpenAPI definitions, each with a JSON
// schema validator), without a cluster.
//
//   node validate.js FILE.yaml...    (or "-" for standard input, e.g. `kubectl kustomize DIR | ...`)
//
// Prints the objects as one JSON array on stdout (for the test's own checks) and each problem on
// stderr as "FILE: KIND/NAME: what"; exits 1 when any object fails, 2 on a usage or read error.
"use strict";

const fs = require("fs");
const YAML = require("yaml");

function modelFor(apiVersion, kind) {
  // kubernetes-models lays out one module per API group/version: "v1", "apps/v1", "policy/v1".
  let group;
  try {
    group = require(`kubernetes-models/${apiVersion}`);
  } catch (e) {
    return null;
  }
  return group[kind] || null;
}

// kustomize writes a Secret's base64 values wrapped at 70 columns; the API server's decoder (Go's
// encoding/json into []byte) skips the line breaks, the schema's "byte" format does not.
function withoutBase64LineBreaks(obj) {
  if (obj.kind !== "Secret" || !obj.data) return obj;
  const data = {};
  for (const [key, value] of Object.entries(obj.data)) {
    data[key] = typeof value === "string" ? value.replace(/[\r\n]/g, "") : value;
  }
  return { ...obj, data };
}

function main(files) {
  if (files.length === 0) {
    process.stderr.write("usage: validate.js FILE.yaml... (- for stdin)\n");
    return 2;
  }
  const objects = [];
  let failures = 0;
  for (const file of files) {
    let text;
    try {
      text = fs.readFileSync(file === "-" ? 0 : file, "utf8");
    } catch (e) {
      process.stderr.write(`${file}: cannot read: ${e.message}\n`);
      return 2;
    }
    const docs = YAML.parseAllDocuments(text);
    for (const doc of docs) {
      if (doc.errors.length > 0) {
        process.stderr.write(`${file}: not YAML: ${doc.errors[0].message}\n`);
        failures++;
        continue;
      }
      const obj = doc.toJS();
      if (obj === null || obj === undefined) continue;  // an empty document
      const what = `${obj.kind}/${obj.metadata && obj.metadata.name}`;
      const Model = modelFor(obj.apiVersion, obj.kind);
      if (Model === null) {
        process.stderr.write(`${file}: ${what}: unknown apiVersion/kind ${obj.apiVersion} ${obj.kind}\n`);
        failures++;
        continue;
      }
      try {
        new Model(withoutBase64LineBreaks(obj)).validate();
      } catch (e) {
        process.stderr.write(`${file}: ${what}: ${e.message}\n`);
        failures++;
        continue;
      }
      objects.push({ file, object: obj });
    }
  }
  process.stdout.write(JSON.stringify(objects) + "\n");
  return failures > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
