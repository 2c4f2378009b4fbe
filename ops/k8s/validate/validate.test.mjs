// node --test: the rendered manifests of ops/k8s are valid, and the validator rejects what a
// cluster would (unknown fields, wrong types, missing required fields), naming the field.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { validateObject, validateText } from "./validate.mjs";

const K8S = join(dirname(fileURLToPath(import.meta.url)), "..");

function render() {
  try {
    return execFileSync("kubectl", ["kustomize", K8S], { encoding: "utf8" });
  } catch (e) {
    if (e.code !== "ENOENT") throw e;
    return execFileSync("kustomize", ["build", K8S], { encoding: "utf8" });
  }
}

const rendered = render();
const objects = () => parseAllDocuments(rendered).map((d) => d.toJS());
const statefulSet = () => objects().find((o) => o.kind === "StatefulSet");

test("every rendered object is valid", async () => {
  const results = await validateText(rendered);
  assert.deepEqual(results.map((r) => r.name.replace(/-[a-z0-9]{10}$/, "")), [
    "Namespace/vxdb", "ConfigMap/vxdb-coordinator-config", "ConfigMap/vxdb-node-config", "Service/vxdb",
    "Service/vxdb-node", "Deployment/vxdb-coordinator", "StatefulSet/vxdb-node",
    "PodDisruptionBudget/vxdb-coordinator", "PodDisruptionBudget/vxdb-node"]);
  for (const r of results) assert.deepEqual(r.errors, [], r.name);
});

test("an unknown field fails, named by its path", async () => {
  const s = statefulSet();
  s.spec.template.spec.containers[0].readinessProbes = s.spec.template.spec.containers[0].readinessProbe;
  s.spec.replica = 3;
  assert.deepEqual((await validateObject(s)).sort(), [
    "spec.replica: unknown field",
    "spec.template.spec.containers[0].readinessProbes: unknown field"]);
});

test("a misspelt field inside a security context fails", async () => {
  const s = statefulSet();
  s.spec.template.spec.containers[0].securityContext.readonlyRootFilesystem = true;
  assert.deepEqual(await validateObject(s), [
    "spec.template.spec.containers[0].securityContext.readonlyRootFilesystem: unknown field"]);
});

test("a wrong type fails", async () => {
  const s = statefulSet();
  s.spec.replicas = "three";
  assert.deepEqual(await validateObject(s), ['spec.replicas: type {"type":"integer"}']);
});

test("a missing required field fails", async () => {
  const s = statefulSet();
  delete s.spec.template.spec.containers[0].name;
  assert.deepEqual(await validateObject(s), [
    'spec.template.spec.containers.0: required {"missingProperty":"name"}']);
});

test("an unknown kind fails", async () => {
  assert.deepEqual(await validateObject({ apiVersion: "apps/v1", kind: "StatefulSett", metadata: { name: "x" } }),
    ["no schema for apps/v1 StatefulSett in kubernetes-models"]);
});
