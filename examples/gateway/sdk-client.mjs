// The official @anthropic-ai/sdk through the Entourage gateway (gateway-sdk.sh sets the environment): a plain call,
// a streamed call, then the call the budget refuses, which the SDK must not retry.
import Anthropic from "@anthropic-ai/sdk";
import assert from "node:assert/strict";

const client = new Anthropic({
  apiKey: "sk-ant-example-not-a-real-key",
  baseURL: process.env.GATEWAY_URL,
  defaultHeaders: { "X-Entourage-Key": process.env.ENTOURAGE_KEY, "X-Entourage-Agent": "sdk-1",
    "X-Entourage-Session": "sdk-example" },
  maxRetries: 2,
});
const ask = { model: "claude-sonnet-4-5", max_tokens: 1024, messages: [{ role: "user", content: "Say hello" }] };
const calls = async () => (await (await fetch(`${process.env.STANDIN_URL}/_standin/count`)).json()).calls;

const plain = await client.messages.create(ask);
assert.equal(plain.usage.output_tokens, 400);
console.log("plain call: usage", JSON.stringify(plain.usage));

const stream = client.messages.stream(ask);
const events = [];
stream.on("streamEvent", (e) => events.push(e.type));
const streamed = await stream.finalMessage();
assert.equal(streamed.usage.output_tokens, 400);
assert.deepEqual(events.slice(0, 1), ["message_start"]);
console.log("streamed call: events", events.join(","));

const before = await calls();
try {
  await client.messages.create(ask);
  assert.fail("the call over the budget was answered");
} catch (e) {
  assert.ok(e instanceof Anthropic.APIError, String(e));
  assert.equal(e.status, 429);
  assert.equal(e.error?.error?.type, "billing_error");
  console.log("refused:", e.error.error.message);
}
assert.equal(await calls(), before, "the refused call reached the upstream");
console.log("stand-in calls:", await calls(), "(the refused call never reached it; the SDK did not retry)");
