import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { CassetteError, toCassetteError } from '../../errors.js';
import type { MatchedRequest } from '../../match/request-matcher.js';
import { createCanonicalBody } from '../../match/canonical-body.js';
import type { CanonicalBodyFn } from '../../match/canonical-body.js';
import type { Route } from '../../providers/registry.js';
import { sessionRulesOf } from '../../providers/registry.js';
import { assertUpstreamAllowed } from '../../safety/assert-upstream-allowed.js';
import type { ProxyRuntime } from '../proxy-runtime.js';
import type { Outcome } from '../proxy-stats.js';
import { buildSessionInteraction } from './build-session-interaction.js';
import { encodeFrames } from './encode-frames.js';
import { decodeBody } from '../../match/body-codec.js';
import { rejectUpgrade, writeHttpResponse } from './reject-upgrade.js';
import { relaySession } from './relay-session.js';
import { replaySession } from './replay-session.js';
import type { SessionFaults } from './replay-session.js';
import { sessionRequest, upstreamSessionTarget } from './session-request.js';

/** What an upgrade needs beyond the proxy runtime: routing, the current episode, and the open sockets. */
export interface UpgradeContext {
  rt: ProxyRuntime;
  /** Routes the request like HTTP (provider, episode by header, path prefix or current). Throws CassetteErrors. */
  route(req: IncomingMessage): { provider: Route; episode: string; path: string; query: string };
  /** Open client sockets: stop() closes them. */
  sockets: Set<WebSocket>;
  /** Holds the server's stop() until a session is stored. */
  track(work: Promise<unknown>): void;
}

/** One `ws` server for every upgrade: it only completes handshakes (no port of its own). */
export function createUpgradeHandler(ctx: UpgradeContext): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: ctx.rt.options.file.limits.maxBodyBytes,
    // The subprotocol chosen upstream (live) or recorded (golden) is set per upgrade below.
    handleProtocols: (_protocols, req) => chosenProtocol.get(req) ?? false,
  });
  const chosenProtocol = new WeakMap<IncomingMessage, string>();
  const canonical = new Map<string, CanonicalBodyFn>();
  const canonicalFor = (provider: Route): CanonicalBodyFn => {
    let fn = canonical.get(provider.name);
    if (!fn) {
      const { match } = ctx.rt.options.file;
      fn = createCanonicalBody({
        ignore: [...sessionRulesOf(provider.provider.family).ignoredFields, ...match.ignore],
        normalize: match.normalize,
      });
      canonical.set(provider.name, fn);
    }
    return fn;
  };

  return (req, socket, head) => {
    const startedAt = performance.now();
    let provider: Route | undefined;
    let upgraded = false;
    try {
      if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
        throw new CassetteError('bad_usage', `cannot upgrade to "${req.headers.upgrade ?? ''}": only WebSocket upgrades are proxied`);
      }
      const route = ctx.route(req);
      // @google/genai builds `//ws/...` from a base URL ending in "/": one slash is meant.
      route.path = route.path.replace(/^\/{2,}/, '/');
      provider = route.provider;
      const matched = sessionRequest(ctx.rt, route.provider, route.path, route.query, req.headers);
      ctx.track(
        serve(route.provider, route.episode, route.path, route.query, matched).catch((err: unknown) => {
          fail(toCassetteError(err));
        }),
      );
    } catch (err) {
      fail(toCassetteError(err));
    }

    function fail(error: CassetteError): void {
      if (upgraded) {
        // The session was already under way (a store write failed after it): only the log can say so.
        count('fault', 101, error);
        return;
      }
      rejectUpgrade(socket, provider, error, error.code === 'cassette_miss' ? { 'x-cassette-miss': '1' } : {});
      count(error.code === 'cassette_miss' ? 'miss' : error.httpStatus < 500 ? 'refused' : 'fault', error.httpStatus, error);
    }

    function count(outcome: Outcome, status: number, error?: CassetteError, episode?: string): void {
      const ms = performance.now() - startedAt;
      const name = provider?.name ?? 'unknown';
      ctx.rt.stats.count(name, outcome, ms / 1000);
      const fields = {
        episode,
        provider: name,
        method: 'GET',
        path: (req.url ?? '/').split('?')[0],
        websocket: true,
        mode: ctx.rt.options.mode,
        outcome,
        status,
        ms: Math.round(ms),
      };
      if (error) ctx.rt.logger.warn({ ...fields, code: error.code }, error.message);
      else if (ctx.rt.logger.infoEnabled) ctx.rt.logger.info(fields, `${outcome} websocket ${fields.path} ${status}`);
    }

    async function serve(p: Route, episode: string, path: string, query: string, matched: MatchedRequest): Promise<void> {
      const { rt } = ctx;
      // --chaos, in every mode, drawn once per session (the same seed and sessions give the same faults).
      const chaos = rt.chaos(episode)?.next(p.provider) ?? { kind: 'none' as const };
      if (chaos.kind === 'respond') {
        const r = chaos.response;
        const body = r.body ? decodeBody(r.body) : Buffer.alloc(0);
        writeHttpResponse(socket, r.status, { 'x-cassette-fault': chaos.fault, ...flatHeaders(r.headers) }, body, undefined);
        count('fault', r.status, undefined, episode);
        return;
      }
      if (chaos.kind === 'reset' || chaos.kind === 'timeout') {
        socket.destroy();
        count('fault', 0, undefined, episode);
        return;
      }
      const faults: SessionFaults = {
        ...(chaos.kind === 'truncate' ? { dropAfterFrames: chaos.afterEvents } : {}),
        ...(chaos.kind === 'slow' ? { delayMs: chaos.delayMs } : {}),
      };
      const faulty = chaos.kind !== 'none';
      if (rt.traits.fakes)
        throw new CassetteError(
          'bad_usage',
          'mock mode does not make up WebSocket sessions; record one (--mode live) and replay it (golden)',
        );
      if (rt.replayer && rt.traits.replays) {
        const found = await rt.replayer.findSession(episode, matched.key);
        if (found.kind === 'hit' && found.interaction.response.session) {
          const { interaction } = found;
          const session = interaction.response.session as NonNullable<typeof interaction.response.session>;
          if (session.protocol) chosenProtocol.set(req, session.protocol);
          rt.stats.addUsage(interaction.usage, interaction.costUsd, true);
          wss.handleUpgrade(req, socket, head, (ws) => {
            upgraded = true;
            ctx.sockets.add(ws);
            replaySession(ws, session, {
              rules: sessionRulesOf(p.provider.family),
              canonical: canonicalFor(p),
              redactor: rt.redactor,
              timing: rt.options.timing,
              openMs: interaction.timings.ttfbMs,
              faults,
              onMiss: (message) => {
                const text = `cassette miss in episode "${episode}": WebSocket session ${p.name} GET ${path}: ${message}`;
                rt.stats.misses.push({ episode, provider: p.name, method: 'GET', path, message: text });
                rt.logger.warn({ episode, provider: p.name, key: matched.key, code: 'cassette_miss' }, text);
              },
              onEnd: ({ missed }) => {
                ctx.sockets.delete(ws);
                count(missed ? 'miss' : faulty ? 'fault' : 'hit', 101, undefined, episode);
              },
            });
          });
          return;
        }
        // A mode that cannot forward answers the miss.
        if (!rt.traits.forwards) throw await missError(rt, p, episode, path, found.kind === 'miss' ? found.exhausted : undefined);
      }
      await relay(p, episode, path, query, matched, faults);
    }

    async function relay(
      p: Route,
      episode: string,
      path: string,
      query: string,
      matched: MatchedRequest,
      faults: SessionFaults,
    ): Promise<void> {
      const { rt } = ctx;
      const target = upstreamSessionTarget(p, path, query, req.headers, rt.redactor, rt.options.apiKeys);
      assertUpstreamAllowed(p.upstream, rt.options.allowUpstream);
      rt.budget.take();
      const record = rt.recorder !== undefined && rt.traits.records;
      const slot = record ? await rt.recorder?.reserve(episode, matched.key) : undefined;
      const result = await relaySession(
        wss,
        req,
        socket,
        head,
        {
          ...target,
          handshakeTimeoutMs: rt.options.file.limits.upstreamTimeoutMs,
          startedAt,
          keepFrames: record,
          ...faults,
        },
        (ws) => {
          upgraded = true;
          ctx.sockets.add(ws);
          ws.once('close', () => ctx.sockets.delete(ws));
        },
        (protocol) => {
          if (protocol) chosenProtocol.set(req, protocol);
        },
      );
      if (result.error) {
        throw new CassetteError('upstream_unreachable', `cannot open the WebSocket upstream of ${p.name}: ${result.error.message}`, {
          cause: result.error,
        });
      }
      if (result.status !== 101) {
        count('forwarded', result.status, undefined, episode);
        return;
      }
      const interaction = buildSessionInteraction({
        episode,
        take: slot ? await slot.take() : 0,
        position: slot?.position ?? 0,
        occurrence: slot?.occurrence ?? 1,
        provider: p,
        key: matched.key,
        keyRules: rt.matcher.rulesFingerprint(p.name),
        request: matched.request,
        session: {
          protocols: target.storedProtocols,
          ...(result.protocol ? { protocol: redactProtocol(result.protocol, target) } : {}),
          frames: encodeFrames(result.frames, rt.redactor),
          ...(result.close
            ? { close: { ...result.close, reason: rt.redactor.text(result.close.reason), ms: Math.round(result.close.ms * 10) / 10 } }
            : {}),
        },
        openMs: result.openMs,
        totalMs: result.totalMs,
        prices: rt.options.file.prices,
      });
      rt.budget.addCost(interaction.costUsd);
      rt.stats.addUsage(interaction.usage, interaction.costUsd, false);
      if (slot && rt.recorder) {
        const stored = rt.recorder.append(interaction);
        // A mode that replays what it records serves this session to the next identical one. It is
        // indexed before its write commits (as keepForwarded does for HTTP): the client has already
        // seen the close and may open the same session again before the write commits.
        if (interaction.complete && rt.traits.replays) await rt.replayer?.add(episode, interaction, stored);
        await stored;
      }
      // Smoke checks of session frames against a contract are not built yet (docs/websocket.md, Limits).
      count(
        faults.dropAfterFrames !== undefined || faults.delayMs !== undefined ? 'fault' : record ? 'recorded' : 'forwarded',
        101,
        undefined,
        episode,
      );
    }
  };
}

function redactProtocol(protocol: string, target: { protocols: string[]; storedProtocols: string[] }): string {
  const i = target.protocols.indexOf(protocol);
  return i >= 0 ? (target.storedProtocols[i] as string) : protocol;
}

async function missError(rt: ProxyRuntime, p: Route, episode: string, path: string, exhausted: number | undefined): Promise<CassetteError> {
  const endpoint = `WebSocket session ${p.name} GET ${path}`;
  const message =
    exhausted !== undefined
      ? `cassette miss in episode "${episode}": all ${exhausted} recording(s) of ${endpoint} were already used (--strict).`
      : (await rt.replayer?.recordingCount(episode)) === 0
        ? `cassette miss: episode "${episode}" has no recordings in ${rt.options.store}. Record it first (--mode live or record-missing).`
        : `cassette miss in episode "${episode}": no recording of ${endpoint} (the upgrade's path, query and headers are the key). Re-record with --mode record-missing or live.`;
  rt.stats.misses.push({ episode, provider: p.name, method: 'GET', path, message });
  return new CassetteError('cassette_miss', message);
}

/**
 * Ends open sessions when the proxy stops: a session whose close handshake is under way finishes
 * it, others are closed with 1001 (going away); whatever is still open after `graceMs` is dropped.
 */
export async function closeSessions(sockets: Set<WebSocket>, graceMs = 1_000): Promise<void> {
  await Promise.all(
    [...sockets].map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === ws.CLOSED) return resolve();
          const timer = setTimeout(() => {
            ws.terminate();
            resolve();
          }, graceMs);
          ws.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          if (ws.readyState === ws.OPEN) ws.close(1001, 'llm-cassette proxy stopping');
        }),
    ),
  );
}

function flatHeaders(headers: Record<string, string | string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (k !== 'content-length') out[k] = v;
  return out;
}
