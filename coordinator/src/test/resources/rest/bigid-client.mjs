// A JavaScript client of the VxDB REST API using Node's built-in fetch: creates a collection,
// upserts an id above 2^53 (sent as a string, as a JS number cannot hold it), reads it back by id
// and by search, and prints what it got, one line per step, for the Java test to check.
// Usage: node bigid-client.mjs http://127.0.0.1:PORT
const base = process.argv[2];
const bigId = "18446744073709551557";

async function call(method, path, body) {
  const response = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null,
           requestId: response.headers.get("x-request-id") };
}

const created = await call("POST", "/v1/collections", { name: "js", dimension: 2, metric: "cosine" });
console.log("create " + created.status + " " + created.json.spec.metric);

const written = await call("PUT", "/v1/collections/js/vectors", {
  vectors: [
    { id: bigId, values: [0.6, 0.8], metadata: { client: "node", n: 2 } },
    { id: 9007199254740993n.toString(), values: [1, 0] },
  ],
});
console.log("upsert " + written.status + " " + JSON.stringify(written.json.ids) + " " + written.json.written);

const got = await call("POST", "/v1/collections/js/vectors/get",
                       { ids: [bigId], include_metadata: true });
const v = got.json.vectors[0];
console.log("get " + got.status + " " + v.id + " " + (v.id === bigId) + " " + JSON.stringify(v.metadata)
            + " " + (BigInt(v.id) === 18446744073709551557n));

const one = await call("GET", "/v1/collections/js/vectors/" + bigId);
console.log("get-one " + one.status + " " + one.json.id + " " + JSON.stringify(one.json.values));

const found = await call("POST", "/v1/collections/js/search", { vector: [0.6, 0.8], k: 2 });
console.log("search " + found.status + " " + found.json.hits.map((h) => h.id).join(","));

const bad = await call("PUT", "/v1/collections/js/vectors", { vectors: [{ id: bigId, values: [1, 2, 3] }] });
console.log("error " + bad.status + " " + bad.json.error.code + " " + bad.json.error.message
            + " " + (bad.json.error.request_id === bad.requestId));
