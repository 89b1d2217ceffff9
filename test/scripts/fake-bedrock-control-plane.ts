import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One system-defined profile as a region's control plane describes it. */
export interface FakeProfile {
  readonly id: string;
  /** Regions of the `models[].modelArn` entries; `null` = a region-less (global) model ARN. */
  readonly modelRegions: ReadonlyArray<string | null>;
}

/** What one region answers. */
export interface FakeRegion {
  readonly profiles?: readonly FakeProfile[];
  /** Every call to this region fails with this error. */
  readonly error?: { readonly status: number; readonly type: string; readonly message: string };
}

/** One request the fake received. */
export interface ControlPlaneCall {
  /** Region from the SigV4 credential scope of the Authorization header. */
  readonly region: string;
  readonly operation: 'ListInferenceProfiles' | 'GetInferenceProfile';
  readonly query: Readonly<Record<string, string>>;
  readonly profileId?: string;
}

const CREDENTIAL_SCOPE = /Credential=([^/,\s]+)\/\d{8}\/([a-z0-9-]+)\/bedrock\/aws4_request/;
const ACCOUNT = '123456789012';
const MODEL = 'anthropic.fake';

/**
 * A fake Amazon Bedrock control plane on 127.0.0.1 (ephemeral port) speaking the REST-JSON wire
 * format of `ListInferenceProfiles` (`GET /inference-profiles?type=...&nextToken=...&maxResults=...`)
 * and `GetInferenceProfile` (`GET /inference-profiles/{inferenceProfileIdentifier}`), with errors as
 * JSON bodies plus `x-amzn-errortype`. One server plays every region: the SigV4 credential scope says which.
 */
export class FakeBedrockControlPlane {
  /** Starts the fake; `pageSize` profiles per ListInferenceProfiles page, each Get answered after `getDelayMs`. */
  public static async start(regions: Readonly<Record<string, FakeRegion>>, pageSize = 2, getDelayMs = 10): Promise<FakeBedrockControlPlane> {
    const server = http.createServer();
    const fake = new FakeBedrockControlPlane(server, regions, pageSize, getDelayMs);
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  public readonly calls: ControlPlaneCall[] = [];
  /** Highest number of GetInferenceProfile requests in flight at once. */
  public maxConcurrentGets = 0;
  private inFlightGets = 0;

  private constructor(
    private readonly server: http.Server,
    private readonly regions: Readonly<Record<string, FakeRegion>>,
    private readonly pageSize: number,
    private readonly getDelayMs: number,
  ) {
    server.on('request', (req, res) => this.handle(req, res));
  }

  /** The endpoint to put in `AWS_ENDPOINT_URL_BEDROCK`. */
  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const scope = CREDENTIAL_SCOPE.exec(req.headers.authorization ?? '');
      if (!scope) {
        return sendError(res, 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
      }
      const region = scope[2];
      const query = Object.fromEntries(url.searchParams.entries());
      if (req.method === 'GET' && url.pathname === '/inference-profiles') {
        this.calls.push({ region, operation: 'ListInferenceProfiles', query });
        return this.list(res, region, query);
      }
      const get = /^\/inference-profiles\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && get) {
        const profileId = decodeURIComponent(get[1]);
        this.calls.push({ region, operation: 'GetInferenceProfile', query, profileId });
        this.inFlightGets++;
        this.maxConcurrentGets = Math.max(this.maxConcurrentGets, this.inFlightGets);
        setTimeout(() => {
          this.inFlightGets--;
          this.get(res, region, profileId);
        }, this.getDelayMs);
        return;
      }
      sendError(res, 404, 'UnknownOperationException', `No operation for ${req.method} ${url.pathname}`);
    });
  }

  private list(res: http.ServerResponse, region: string, query: Record<string, string>): void {
    const data = this.regions[region];
    if (data?.error) { return sendError(res, data.error.status, data.error.type, data.error.message); }
    if (query.type !== undefined && query.type !== 'SYSTEM_DEFINED' && query.type !== 'APPLICATION') {
      return sendError(res, 400, 'ValidationException', `Invalid type '${query.type}'`);
    }
    // Only system-defined profiles exist here; an unfiltered or APPLICATION listing would differ on real AWS.
    const profiles = query.type === 'SYSTEM_DEFINED' ? data?.profiles ?? [] : [];
    const start = query.nextToken ? Number(Buffer.from(query.nextToken, 'base64').toString()) : 0;
    const size = Math.min(this.pageSize, Number(query.maxResults ?? this.pageSize));
    const page = profiles.slice(start, start + size);
    const next = start + size < profiles.length ? Buffer.from(String(start + size)).toString('base64') : undefined;
    sendJson(res, 200, {
      inferenceProfileSummaries: page.map(p => describe(region, p)),
      ...(next ? { nextToken: next } : {}),
    });
  }

  private get(res: http.ServerResponse, region: string, profileId: string): void {
    const data = this.regions[region];
    if (data?.error) { return sendError(res, data.error.status, data.error.type, data.error.message); }
    const profile = data?.profiles?.find(p => p.id === profileId);
    if (!profile) { return sendError(res, 404, 'ResourceNotFoundException', `Inference profile ${profileId} not found`); }
    sendJson(res, 200, describe(region, profile));
  }
}

function describe(region: string, p: FakeProfile): Record<string, unknown> {
  return {
    inferenceProfileName: `Fake ${p.id}`,
    description: `Routes requests for ${p.id}`,
    createdAt: '2024-08-28T00:00:00Z',
    updatedAt: '2025-10-01T12:00:00Z',
    inferenceProfileArn: `arn:aws:bedrock:${region}:${ACCOUNT}:inference-profile/${p.id}`,
    models: p.modelRegions.map(r => ({
      modelArn: `arn:aws:bedrock:${r ?? ''}::foundation-model/${p.id.slice(p.id.indexOf('.') + 1) || MODEL}`,
    })),
    inferenceProfileId: p.id,
    status: 'ACTIVE',
    type: 'SYSTEM_DEFINED',
  };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': `fake-${Date.now()}`,
  });
  res.end(text);
}

function sendError(res: http.ServerResponse, status: number, type: string, message: string): void {
  const text = JSON.stringify({ message });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': `fake-${Date.now()}`,
    'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.coral.service/`,
  });
  res.end(text);
}
