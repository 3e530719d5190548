/** A local STS endpoint for the real SDK clients: answers AssumeRole (query protocol, XML) and records each request. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FAKE_TEMPORARY_CREDENTIALS } from './fixtures.js';

/** A local STS (query protocol, XML) that records AssumeRole requests. */
export interface FakeSts {
  url: string;
  requests: Array<Record<string, string>>;
  server: Server;
  /** when set, AssumeRole answers 403 AccessDenied */
  deny: boolean;
}

export async function startFakeSts(): Promise<FakeSts> {
  const requests: Array<Record<string, string>> = [];
  const state = { deny: false };
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(body));
      requests.push({ ...params, authorization: req.headers.authorization ?? '' });
      if (state.deny) {
        res.writeHead(403, { 'content-type': 'text/xml' });
        res.end(`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/dev is not authorized to perform: sts:AssumeRole on resource: ${params.RoleArn}</Message></Error><RequestId>4f3c1b2a-0000-4000-8000-000000000000</RequestId></ErrorResponse>`);
        return;
      }
      const expiration = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/kafka-client/${params.RoleSessionName}</Arn><AssumedRoleId>AROAEXAMPLEID:${params.RoleSessionName}</AssumedRoleId></AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${FAKE_TEMPORARY_CREDENTIALS.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${FAKE_TEMPORARY_CREDENTIALS.secretAccessKey}</SecretAccessKey>
      <SessionToken>${FAKE_TEMPORARY_CREDENTIALS.sessionToken}</SessionToken>
      <Expiration>${expiration}</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleResponse>`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    server,
    get deny() {
      return state.deny;
    },
    set deny(value: boolean) {
      state.deny = value;
    },
  };
}

