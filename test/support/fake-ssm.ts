import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake AWS Systems Manager on 127.0.0.1 that answers `GetParameter` in SSM's own wire format, the AWS
 * JSON 1.1 protocol: `POST /` with `X-Amz-Target: AmazonSSM.GetParameter` and a JSON body `{ "Name" }`,
 * answered `{ "Parameter": { "Name", "Type", "Value", ... } }`, or a 400 whose `__type` (and
 * `x-amzn-errortype`) names the exception (AWS Systems Manager API Reference, "GetParameter"; Smithy
 * "AWS JSON 1.1 protocol"). Point the SDK at it with `AWS_ENDPOINT_URL_SSM`.
 */
export interface FakeSsm {
  /** Base URL to put in `AWS_ENDPOINT_URL_SSM`. */
  readonly url: string;
  /** The names asked for, in order (one per GetParameter call that reached the fake). */
  readonly requested: string[];
  /** Stores `value` under `name`. */
  setValue(name: string, value: string): void;
  /** Answers every call with AccessDeniedException (as for a role without `ssm:GetParameter`), or stops doing so. */
  denyAccess(denied: boolean): void;
  close(): Promise<void>;
}

const JSON_1_1 = 'application/x-amz-json-1.1';

/** Starts the fake on an ephemeral loopback port. */
export async function startFakeSsm(): Promise<FakeSsm> {
  const values = new Map<string, string>();
  const requested: string[] = [];
  let denied = false;

  const answer = (response: http.ServerResponse, status: number, body: unknown, errorType?: string) => {
    response.writeHead(status, { 'content-type': JSON_1_1, ...(errorType === undefined ? {} : { 'x-amzn-errortype': errorType }) });
    response.end(JSON.stringify(body));
  };
  const fail = (response: http.ServerResponse, type: string, message: string) => answer(response, 400, { __type: type, message }, type);

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || request.headers['x-amz-target'] !== 'AmazonSSM.GetParameter') {
        fail(response, 'UnknownOperationException', `the fake serves AmazonSSM.GetParameter only, not ${String(request.headers['x-amz-target'])}`);
        return;
      }
      let name: unknown;
      try {
        name = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Name?: unknown }).Name;
      } catch {
        fail(response, 'SerializationException', 'the body is not JSON');
        return;
      }
      if (typeof name !== 'string') {
        fail(response, 'ValidationException', 'Name is required');
        return;
      }
      requested.push(name);
      if (denied) {
        fail(response, 'AccessDeniedException', `User is not authorized to perform: ssm:GetParameter on resource: parameter${name}`);
        return;
      }
      const value = values.get(name);
      if (value === undefined) {
        fail(response, 'ParameterNotFound', `Parameter ${name} not found.`);
        return;
      }
      const parameter = { Name: name, Type: 'String', Value: value, Version: 1, DataType: 'text', LastModifiedDate: Date.now() / 1000 };
      answer(response, 200, { Parameter: { ...parameter, ARN: `arn:aws:ssm:eu-west-1:111111111111:parameter${name}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requested,
    setValue: (name, value) => values.set(name, value),
    denyAccess: (deny) => {
      denied = deny;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
