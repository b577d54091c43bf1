// The local Kinesis: kinesalite bound to 127.0.0.1, with the stream created.
// Usage: node kinesis.mjs KINESALITE_DIR PORT STREAM
import { createRequire } from 'node:module';

const [dir, portArg, stream] = process.argv.slice(2);
const port = Number(portArg);
const kinesalite = createRequire(import.meta.url)(dir);

async function call(action, body) {
  const res = await fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `Kinesis_20131202.${action}`,
      // kinesalite checks that a signature is present, not that it is valid.
      authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0',
      'x-amz-date': '20260101T000000Z',
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${action}: HTTP ${res.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

await new Promise((resolve) => kinesalite({ createStreamMs: 50 }).listen(port, '127.0.0.1', resolve));
await call('CreateStream', { StreamName: stream, ShardCount: 1 });
while ((await call('DescribeStream', { StreamName: stream })).StreamDescription.StreamStatus !== 'ACTIVE') await sleep(50);
console.log(`kinesalite on http://127.0.0.1:${port}/, stream ${stream} active`);
