// Validates Kubernetes objects (multi-document YAML, e.g. `kubectl kustomize ops/k8s`) against the
// Kubernetes JSON schemas that the npm package kubernetes-models ships compiled (ajv standalone
// validators: types, required fields, enums, formats), and rejects fields the schema does not
// define, which those validators let through: every object handed to a validator is wrapped in a
// Proxy that records the properties it reads; a property of a schema-checked object that the
// validator never read is not in the schema.
//   node validate.mjs FILE|-        prints one line per object, then "N passed, M failed"; exit 1 on any error
import { readFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const require = createRequire(import.meta.url);
const MODELS = dirname(require.resolve("kubernetes-models/package.json"));

/** The compiled schema validator of apiVersion/kind, or null when kubernetes-models has none. */
async function schemaValidator(apiVersion, kind) {
  const model = join(MODELS, apiVersion, `${kind}.js`);
  if (!existsSync(model)) return null;
  const m = /_schemas\/(\w+)\.js/.exec(readFileSync(model, "utf8"));
  if (!m) return null;
  const schema = await import(pathToFileURL(join(MODELS, "_schemas", `${m[1]}.js`)).href);
  return schema.validate;
}

/** Wraps value so that the properties read of it and of everything below it land in `reads`. */
function tracked(value, reads) {
  if (value === null || typeof value !== "object") return value;
  const read = new Set();
  reads.set(value, read);
  const children = new Map();
  return new Proxy(value, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      if (typeof key !== "string") return v;
      read.add(key);
      if (v === null || typeof v !== "object") return v;
      if (!children.has(key)) children.set(key, tracked(v, reads));
      return children.get(key);
    },
    has(target, key) {
      if (typeof key === "string") read.add(key);
      return Reflect.has(target, key);
    },
  });
}

/** Paths of properties that no schema read, below `value` (only objects the validator looked into). */
function unknownFields(value, path, reads, out) {
  if (value === null || typeof value !== "object") return out;
  if (Array.isArray(value)) {
    value.forEach((v, i) => unknownFields(v, `${path}[${i}]`, reads, out));
    return out;
  }
  const read = reads.get(value);
  if (!read) return out;
  for (const key of Object.keys(value)) {
    const p = path ? `${path}.${key}` : key;
    if (!read.has(key)) out.push(p);
    else unknownFields(value[key], p, reads, out);
  }
  return out;
}

/** Errors of one object (a plain object from YAML), each a line naming the field. */
export async function validateObject(obj) {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) return ["not an object"];
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== "string" || typeof kind !== "string") return ["apiVersion and kind are required"];
  const validate = await schemaValidator(apiVersion, kind);
  if (!validate) return [`no schema for ${apiVersion} ${kind} in kubernetes-models`];
  const reads = new Map();
  const errors = [];
  if (!validate(tracked(obj, reads))) {
    for (const e of validate.errors) {
      const where = e.instancePath ? e.instancePath.slice(1).replaceAll("/", ".") : "(object)";
      errors.push(`${where}: ${e.keyword} ${JSON.stringify(e.params)}`);
    }
  }
  for (const p of unknownFields(obj, "", reads, [])) errors.push(`${p}: unknown field`);
  return errors;
}

/** Validates every document of a YAML text; returns [{name, errors}]. */
export async function validateText(text) {
  const results = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) {
      results.push({ name: "(YAML)", errors: doc.errors.map((e) => e.message) });
      continue;
    }
    const obj = doc.toJS();
    if (obj === null) continue;
    const name = `${obj.kind ?? "?"}/${obj.metadata?.name ?? "?"}`;
    results.push({ name, errors: await validateObject(obj) });
  }
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: node validate.mjs FILE|-");
    process.exit(2);
  }
  const text = readFileSync(file === "-" ? 0 : file, "utf8");
  const results = await validateText(text);
  let failed = 0;
  for (const r of results) {
    if (r.errors.length) {
      failed++;
      for (const e of r.errors) console.log(`FAIL ${r.name}: ${e}`);
    } else {
      console.log(`ok   ${r.name}`);
    }
  }
  console.log(`k8s-validate: ${results.length - failed} passed, ${failed} failed`);
  process.exit(failed || results.length === 0 ? 1 : 0);
}
