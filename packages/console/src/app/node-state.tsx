import type { BlockView, StatusResponse } from '@xinlian/schemas';
import { XinlianError } from '@xinlian/utils';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { type ConsoleApi, isUnreachable } from '../api/client.js';

/** How many recent blocks the console keeps for the live lists and charts. */
export const RECENT_BLOCKS = 60;
const STATUS_POLL_MS = 5_000;

export type StreamState = 'connecting' | 'live' | 'offline';

/** What every page knows about the node: its status, reachability and the live block stream. */
export interface NodeState {
  readonly api: ConsoleApi;
  readonly status: StatusResponse | undefined;
  /** False once a request could not reach the node, until a retry succeeds. */
  readonly reachable: boolean;
  readonly unreachableDetail: string;
  /** Recent blocks, newest first (initial page, then the SSE stream). */
  readonly blocks: readonly BlockView[];
  readonly stream: StreamState;
  /** Bumped when the node becomes reachable again: pages reload their data. */
  readonly epoch: number;
  readonly retrying: boolean;
  retry(): void;
  /** Pages report failed requests; one that got no answer triggers a status probe (banner if that fails too). */
  report(e: unknown): void;
}

const NodeContext = createContext<NodeState | undefined>(undefined);

/** Transaction IDs kept per live block (the overview lists 10 recent txs; a block page loads all). */
export const LIVE_TX_IDS = 10;

/**
 * Merges new blocks into a newest-first list without duplicates, keeping `RECENT_BLOCKS`, each with
 * at most `LIVE_TX_IDS` tx IDs (a full block can list thousands: memory stays bounded).
 */
export function mergeBlocks(list: readonly BlockView[], add: readonly BlockView[]): BlockView[] {
  const byHeight = new Map<number, BlockView>();
  for (const b of list) byHeight.set(b.height, b);
  for (const b of add)
    byHeight.set(b.height, b.txIds.length > LIVE_TX_IDS ? { ...b, txIds: b.txIds.slice(0, LIVE_TX_IDS) } : b);
  return [...byHeight.values()].sort((a, b) => b.height - a.height).slice(0, RECENT_BLOCKS);
}

export function NodeProvider({ api, children }: { readonly api: ConsoleApi; readonly children: ReactNode }) {
  const [status, setStatus] = useState<StatusResponse | undefined>(undefined);
  const [reachable, setReachable] = useState(true);
  const [unreachableDetail, setDetail] = useState('');
  const [blocks, setBlocks] = useState<readonly BlockView[]>([]);
  const [stream, setStream] = useState<StreamState>('connecting');
  const [epoch, setEpoch] = useState(0);
  const [retrying, setRetrying] = useState(false);
  const reachableRef = useRef(true);

  const markUnreachable = useCallback((detail: string) => {
    reachableRef.current = false;
    setReachable(false);
    setDetail(detail);
  }, []);

  const refresh = useCallback(async (): Promise<boolean> => {
    try {
      const [s, recent] = await Promise.all([api.status(), api.blocks({ limit: 30 })]);
      setStatus(s);
      setBlocks((old) => mergeBlocks(old, recent));
      if (!reachableRef.current) {
        reachableRef.current = true;
        setReachable(true);
        setEpoch((e) => e + 1);
      }
      return true;
    } catch (e) {
      if (isUnreachable(e)) markUnreachable(e instanceof Error ? e.message : String(e));
      return false;
    }
  }, [api, markUnreachable]);

  // Status poll (also detects a node that went away while the stream was idle).
  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), STATUS_POLL_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  // Live block stream (SSE). EventSource reconnects by itself; an error triggers a status probe.
  useEffect(() => {
    const es = new EventSource(api.blockStreamUrl());
    es.onopen = () => {
      setStream('live');
      void refresh();
    };
    es.addEventListener('block', (ev) => {
      const block = JSON.parse((ev as MessageEvent<string>).data) as BlockView;
      setBlocks((old) => mergeBlocks(old, [block]));
      setStatus((s) =>
        s === undefined || block.height <= s.height
          ? s
          : { ...s, height: block.height, blockId: block.id, appHash: block.appHash, time: block.time },
      );
    });
    es.onerror = () => {
      setStream(es.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
      void refresh();
    };
    return () => es.close();
  }, [api, refresh]);

  const retry = useCallback(() => {
    setRetrying(true);
    void refresh().finally(() => setRetrying(false));
  }, [refresh]);

  // A page's request that got no answer (or timed out) is confirmed with a status probe first: the
  // banner says "unreachable" only when the node does not answer that either (a slow request is not
  // an unreachable node).
  const report = useCallback(
    (e: unknown) => {
      if (isUnreachable(e)) void refresh();
    },
    [refresh],
  );

  const value = useMemo<NodeState>(
    () => ({ api, status, reachable, unreachableDetail, blocks, stream, epoch, retrying, retry, report }),
    [api, status, reachable, unreachableDetail, blocks, stream, epoch, retrying, retry, report],
  );
  return <NodeContext.Provider value={value}>{children}</NodeContext.Provider>;
}

export function useNode(): NodeState {
  const v = useContext(NodeContext);
  if (v === undefined) throw new XinlianError('CONSOLE_NO_PROVIDER', 'useNode outside NodeProvider', {});
  return v;
}

/** State of one request made by a page. */
export type Loaded<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'ok'; readonly data: T }
  | { readonly state: 'error'; readonly error: unknown };

/**
 * Runs `load` when `deps` change or the node becomes reachable again; failed requests are
 * reported to the node state (unreachable banner).
 */
export function useLoad<T>(load: (api: ConsoleApi) => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const { api, epoch, report } = useNode();
  const [result, setResult] = useState<Loaded<T>>({ state: 'loading' });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `load` is re-created each render; `deps` says when it changes.
  useEffect(() => {
    let live = true;
    setResult({ state: 'loading' });
    load(api).then(
      (data) => live && setResult({ state: 'ok', data }),
      (error: unknown) => {
        if (!live) return;
        report(error);
        setResult({ state: 'error', error });
      },
    );
    return () => {
      live = false;
    };
  }, [api, epoch, report, ...deps]);
  return result;
}
