// Lineage of an item (GET /trace/{epc}): its history upstream (where it came from) and downstream (where it
// went) across aggregation (packing / unpacking), association and transformation (ingredients → products).
// Pure: all data comes from the injected lookup; no clock, no I/O of its own. See README.md in this folder.
import { XinlianError } from '@xinlian/utils';
import { toCanonicalDigitalLink } from '../hash/normalise.js';

/** Where an identifier appears in an event. */
export type IdentifierRole =
  | 'epc'
  | 'parent'
  | 'child'
  | 'input'
  | 'output'
  | 'quantity'
  | 'childQuantity'
  | 'inputQuantity'
  | 'outputQuantity'
  | 'transformationID';

export const IDENTIFIER_ROLES: readonly IdentifierRole[] = [
  'epc',
  'parent',
  'child',
  'input',
  'output',
  'quantity',
  'childQuantity',
  'inputQuantity',
  'outputQuantity',
  'transformationID',
];

/** An EPCIS 2.0 event as JSON (only the fields lineage reads are typed). */
export interface EpcisEventLike {
  readonly type?: unknown;
  readonly eventTime?: unknown;
  readonly action?: unknown;
  readonly parentID?: unknown;
  readonly epcList?: unknown;
  readonly childEPCs?: unknown;
  readonly inputEPCList?: unknown;
  readonly outputEPCList?: unknown;
  readonly quantityList?: unknown;
  readonly childQuantityList?: unknown;
  readonly inputQuantityList?: unknown;
  readonly outputQuantityList?: unknown;
  readonly transformationID?: unknown;
  readonly [k: string]: unknown;
}

/** A stored event: its ID (the CBV 2.0 event hash) and the event; callers may add fields (proof, org, …). */
export interface StoredEvent {
  readonly id: string;
  readonly event: EpcisEventLike;
}

type MaybePromise<T> = T | Promise<T>;

/** What lineage needs from the event store. Identifiers are canonical (see `canonicalIdentifier`). */
export interface LineageLookup<E extends StoredEvent = StoredEvent> {
  /** The events in which `id` appears in any of `roles`. Order does not matter; duplicates are ignored. */
  eventsFor(id: string, roles: readonly IdentifierRole[]): MaybePromise<readonly E[]>;
}

export interface LineageOptions {
  /** Stop after this many distinct events (default 2000); the graph is then marked truncated. */
  readonly maxEvents?: number;
  /** Stop after this many identifiers (default 2000). */
  readonly maxNodes?: number;
  /** Do not follow relations more than this many hops from the traced item (default 32). */
  readonly maxDepth?: number;
  /** Which way to go: `both` (default), `upstream` only or `downstream` only. */
  readonly direction?: 'both' | 'upstream' | 'downstream';
}

/** How a node relates to the traced item (a node can have several). */
export type NodeRelation = 'self' | 'ancestor' | 'descendant' | 'container' | 'content';

export interface LineageNode {
  /** Canonical identifier (GS1 Digital Link URI for GS1 keys, otherwise as written). */
  readonly id: string;
  /** `class` for a GTIN, GTIN + lot or EPC pattern; `instance` otherwise. */
  readonly kind: 'instance' | 'class';
  readonly relations: NodeRelation[];
  /** Hops from the traced item. */
  readonly depth: number;
  /**
   * The node's history: IDs of the events it appears in, by event time. For a container reached from one of
   * its contents, only the events while that content was inside (between packing and unpacking).
   */
  readonly events: string[];
}

export interface LineageEdge {
  /** `transformation`: `from` (input) was transformed into `to` (output). `aggregation` / `association`:
   * `from` (child) was put into (ADD/OBSERVE) or taken out of (DELETE) `to` (parent). */
  readonly relation: 'transformation' | 'aggregation' | 'association';
  readonly from: string;
  readonly to: string;
  /** The event that states the relation. */
  readonly event: string;
  /** The event's action (aggregation / association). */
  readonly action?: string;
  /** For a transformation spread over several events sharing a transformationID. */
  readonly transformationID?: string;
}

export interface LineageGraph<E extends StoredEvent = StoredEvent> {
  /** The traced identifier, canonical. */
  readonly root: string;
  readonly nodes: LineageNode[];
  readonly edges: LineageEdge[];
  /** Every event in the graph, by event time (then ID). */
  readonly events: E[];
  /** True when a bound stopped the walk; `limits` says which. */
  readonly truncated: boolean;
  readonly limits: ('maxEvents' | 'maxNodes' | 'maxDepth')[];
}

/** The identifier as lineage and its lookup index it: canonical GS1 Digital Link URI when it is a GS1 key. */
export function canonicalIdentifier(id: string): string {
  const trimmed = id.trim();
  return toCanonicalDigitalLink(trimmed) ?? trimmed;
}

function strings(x: unknown): string[] {
  if (typeof x === 'string') return [x];
  if (Array.isArray(x)) return x.filter((s): s is string => typeof s === 'string');
  return [];
}
function classes(x: unknown): string[] {
  if (!Array.isArray(x)) return [];
  const out: string[] = [];
  for (const q of x) {
    const c = (q as { epcClass?: unknown } | null)?.epcClass;
    if (typeof c === 'string') out.push(c);
  }
  return out;
}

/** Every identifier in an event with its role, canonical: what a store indexes to answer `eventsFor`. */
export function eventIdentifiers(event: EpcisEventLike): { id: string; role: IdentifierRole }[] {
  const out: { id: string; role: IdentifierRole }[] = [];
  const add = (role: IdentifierRole, ids: string[]) => {
    for (const id of ids) out.push({ id: canonicalIdentifier(id), role });
  };
  add('epc', strings(event.epcList));
  add('parent', strings(event.parentID));
  add('child', strings(event.childEPCs));
  add('input', strings(event.inputEPCList));
  add('output', strings(event.outputEPCList));
  add('quantity', classes(event.quantityList));
  add('childQuantity', classes(event.childQuantityList));
  add('inputQuantity', classes(event.inputQuantityList));
  add('outputQuantity', classes(event.outputQuantityList));
  add('transformationID', strings(event.transformationID));
  return out;
}

/** An in-memory `LineageLookup` over a list of stored events (tests, small deployments, caches). */
export function createMemoryLineageLookup<E extends StoredEvent>(records: Iterable<E>): LineageLookup<E> {
  const index = new Map<string, E[]>();
  for (const r of records) {
    for (const { id, role } of eventIdentifiers(r.event)) {
      const key = `${role}\u0000${id}`;
      const list = index.get(key);
      if (list === undefined) index.set(key, [r]);
      else if (!list.includes(r)) list.push(r);
    }
  }
  return {
    eventsFor(id, roles) {
      const out = new Set<E>();
      for (const role of roles) for (const r of index.get(`${role}\u0000${id}`) ?? []) out.add(r);
      return [...out];
    },
  };
}

/** GTIN alone, GTIN + lot, EPC class/pattern URIs denote classes of objects. */
export function identifierKind(id: string): 'instance' | 'class' {
  if (/^https:\/\/id\.gs1\.org\/01\/\d{14}(\/10\/[^/]+)?$/.test(id)) return 'class';
  if (/^https:\/\/id\.gs1\.org\/8006\/\d{18}(\/10\/[^/]+)?$/.test(id)) return 'class';
  if (id.startsWith('urn:epc:class:') || id.startsWith('urn:epc:idpat:')) return 'class';
  return 'instance';
}

interface Analysed {
  readonly time: number | null;
  readonly action: string | undefined;
  readonly parent: string | undefined;
  readonly children: string[];
  readonly inputs: string[];
  readonly outputs: string[];
  readonly transformationID: string | undefined;
  readonly containment: 'aggregation' | 'association' | undefined;
}

function analyse(e: EpcisEventLike): Analysed {
  const canon = (xs: string[]) => xs.map(canonicalIdentifier);
  const type = typeof e.type === 'string' ? e.type : '';
  const parents = canon(strings(e.parentID));
  const time = typeof e.eventTime === 'string' ? Date.parse(e.eventTime) : Number.NaN;
  const tid = strings(e.transformationID)[0];
  return {
    time: Number.isNaN(time) ? null : time,
    action: typeof e.action === 'string' ? e.action : undefined,
    parent: parents[0],
    children: canon([...strings(e.childEPCs), ...classes(e.childQuantityList)]),
    inputs: canon([...strings(e.inputEPCList), ...classes(e.inputQuantityList)]),
    outputs: canon([...strings(e.outputEPCList), ...classes(e.outputQuantityList)]),
    transformationID: tid === undefined ? undefined : canonicalIdentifier(tid),
    containment:
      type === 'AggregationEvent' ? 'aggregation' : type === 'AssociationEvent' ? 'association' : undefined,
  };
}

/** A closed time window in epoch ms; `null` bounds are open. */
interface Window {
  readonly from: number | null;
  readonly to: number | null;
}
const OPEN: Window = { from: null, to: null };
function intersect(a: Window, b: Window): Window | null {
  const from = a.from === null ? b.from : b.from === null ? a.from : Math.max(a.from, b.from);
  const to = a.to === null ? b.to : b.to === null ? a.to : Math.min(a.to, b.to);
  return from !== null && to !== null && from > to ? null : { from, to };
}
const inWindow = (w: Window, t: number | null) =>
  t === null || ((w.from === null || t >= w.from) && (w.to === null || t <= w.to));

/** From the events linking one child to one parent: when the child was inside. */
function containmentWindow(events: readonly Analysed[]): Window {
  let from: number | null = null;
  let open = false;
  for (const a of events) {
    if (a.action !== 'DELETE' && a.time !== null && (from === null || a.time < from)) from = a.time;
    if (a.action !== 'DELETE' && a.time === null) open = true;
  }
  let to: number | null = null;
  for (const a of events) {
    if (a.action === 'DELETE' && a.time !== null && (from === null || a.time >= from)) {
      if (to === null || a.time > to) to = a.time;
    }
  }
  return { from: open ? null : from, to };
}

interface Visit {
  readonly id: string;
  readonly dir: 'up' | 'down';
  /** Whether to walk into this node's contents (not for a container reached from one of its contents). */
  readonly contents: boolean;
  readonly window: Window;
  readonly depth: number;
  readonly relation: NodeRelation;
}

const ALL_ROLES = IDENTIFIER_ROLES.filter((r) => r !== 'transformationID');

/**
 * The lineage graph of `epc` (an EPC URI, EPC class URI or GS1 Digital Link URI): its own events, the items and
 * classes it was made from (transformation inputs, transitively), what it was made into, the containers it
 * travelled in (their events while it was inside) and, for a container, its contents.
 */
export async function traceLineage<E extends StoredEvent>(
  epc: string,
  lookup: LineageLookup<E>,
  opts: LineageOptions = {},
): Promise<LineageGraph<E>> {
  if (typeof epc !== 'string' || epc.trim() === '') {
    throw new XinlianError('TRACE_INVALID_EPC', 'the identifier to trace is empty', {
      field: 'epc',
    });
  }
  const maxEvents = opts.maxEvents ?? 2000;
  const maxNodes = opts.maxNodes ?? 2000;
  const maxDepth = opts.maxDepth ?? 32;
  const direction = opts.direction ?? 'both';
  const root = canonicalIdentifier(epc);

  const events = new Map<string, E>();
  const analysed = new Map<string, Analysed>();
  const nodes = new Map<string, { depth: number; relations: Set<NodeRelation>; events: Set<string> }>();
  const edges = new Map<string, LineageEdge>();
  const limits = new Set<'maxEvents' | 'maxNodes' | 'maxDepth'>();
  const visited = new Set<string>();
  const byTransformation = new Map<string, readonly E[]>();

  const analyseCached = (r: E): Analysed => {
    let a = analysed.get(r.id);
    if (a === undefined) {
      a = analyse(r.event);
      analysed.set(r.id, a);
    }
    return a;
  };
  /** Adds an event to the graph (within the maxEvents bound); null when the bound is reached. */
  const remember = (r: E): Analysed | null => {
    if (!events.has(r.id)) {
      if (events.size >= maxEvents) {
        limits.add('maxEvents');
        return null;
      }
      events.set(r.id, r);
    }
    return analyseCached(r);
  };
  const node = (id: string, depth: number, relation: NodeRelation) => {
    let n = nodes.get(id);
    if (!n) {
      if (nodes.size >= maxNodes) {
        limits.add('maxNodes');
        return null;
      }
      n = { depth, relations: new Set(), events: new Set() };
      nodes.set(id, n);
    }
    n.relations.add(relation);
    return n;
  };
  const edge = (e: LineageEdge) => {
    edges.set(`${e.relation}\u0000${e.from}\u0000${e.to}\u0000${e.event}`, e);
  };

  const queue: Visit[] = [];
  if (direction !== 'downstream')
    queue.push({ id: root, dir: 'up', contents: true, window: OPEN, depth: 0, relation: 'self' });
  if (direction !== 'upstream')
    queue.push({ id: root, dir: 'down', contents: true, window: OPEN, depth: 0, relation: 'self' });
  node(root, 0, 'self');

  const enqueue = (v: Visit) => {
    if (v.depth > maxDepth) {
      limits.add('maxDepth');
      return;
    }
    if (node(v.id, v.depth, v.relation) === null) return;
    queue.push(v);
  };

  for (let head = 0; head < queue.length; head++) {
    const v = queue[head] as Visit;
    const key = `${v.id}\u0000${v.dir}\u0000${v.contents}`;
    if (visited.has(key)) continue;
    visited.add(key);
    const self = nodes.get(v.id);
    if (!self) continue;

    const records = await lookup.eventsFor(v.id, ALL_ROLES);
    const mine: { r: E; a: Analysed }[] = [];
    for (const r of records) {
      if (!inWindow(v.window, analyseCached(r).time)) continue;
      const a = remember(r);
      if (a === null) continue;
      mine.push({ r, a });
      self.events.add(r.id);
    }

    // Containment: the containers this node was in (both directions), its contents (when allowed).
    const asChild = new Map<string, { r: E; a: Analysed }[]>();
    for (const x of mine) {
      const { a } = x;
      if (a.containment === undefined || a.parent === undefined) continue;
      if (a.children.includes(v.id) && a.parent !== v.id) {
        const list = asChild.get(a.parent) ?? [];
        list.push(x);
        asChild.set(a.parent, list);
      }
      if (a.parent === v.id && v.contents) {
        for (const child of a.children) {
          edge({
            relation: a.containment,
            from: child,
            to: v.id,
            event: x.r.id,
            ...(a.action ? { action: a.action } : {}),
          });
          enqueue({
            id: child,
            dir: v.dir,
            contents: true,
            window: OPEN,
            depth: v.depth + 1,
            relation: 'content',
          });
        }
      }
    }
    for (const [parent, links] of asChild) {
      for (const { r, a } of links) {
        edge({
          relation: a.containment as 'aggregation' | 'association',
          from: v.id,
          to: parent,
          event: r.id,
          ...(a.action ? { action: a.action } : {}),
        });
      }
      const w = intersect(v.window, containmentWindow(links.map((l) => l.a)));
      if (w === null) continue;
      enqueue({
        id: parent,
        dir: v.dir,
        contents: false,
        window: w,
        depth: v.depth + 1,
        relation: 'container',
      });
    }

    // Transformation: inputs → outputs, across all events sharing a transformationID.
    for (const { r, a } of mine) {
      if (a.inputs.length === 0 && a.outputs.length === 0 && a.transformationID === undefined) continue;
      let inputs = a.inputs.map((id) => ({ id, event: r.id }));
      let outputs = a.outputs.map((id) => ({ id, event: r.id }));
      const tid = a.transformationID;
      if (tid !== undefined) {
        let group = byTransformation.get(tid);
        if (group === undefined) {
          group = await lookup.eventsFor(tid, ['transformationID']);
          byTransformation.set(tid, group);
        }
        for (const g of group) {
          if (g.id === r.id) continue;
          const ga = remember(g);
          if (ga === null) continue;
          inputs = inputs.concat(ga.inputs.map((id) => ({ id, event: g.id })));
          outputs = outputs.concat(ga.outputs.map((id) => ({ id, event: g.id })));
        }
      }
      const isOutput = outputs.some((o) => o.id === v.id);
      const isInput = inputs.some((i) => i.id === v.id);
      if (v.dir === 'up' && isOutput) {
        for (const i of inputs) {
          if (i.id === v.id) continue;
          edge({
            relation: 'transformation',
            from: i.id,
            to: v.id,
            event: i.event,
            ...(tid ? { transformationID: tid } : {}),
          });
          enqueue({
            id: i.id,
            dir: 'up',
            contents: true,
            window: OPEN,
            depth: v.depth + 1,
            relation: 'ancestor',
          });
        }
      }
      if (v.dir === 'down' && isInput) {
        for (const o of outputs) {
          if (o.id === v.id) continue;
          edge({
            relation: 'transformation',
            from: v.id,
            to: o.id,
            event: o.event,
            ...(tid ? { transformationID: tid } : {}),
          });
          enqueue({
            id: o.id,
            dir: 'down',
            contents: true,
            window: OPEN,
            depth: v.depth + 1,
            relation: 'descendant',
          });
        }
      }
    }
  }

  const timeOf = (id: string) => analysed.get(id)?.time ?? Number.NEGATIVE_INFINITY;
  const byTime = (x: string, y: string) => timeOf(x) - timeOf(y) || (x < y ? -1 : x > y ? 1 : 0);
  return {
    root,
    nodes: [...nodes].map(([id, n]) => ({
      id,
      kind: identifierKind(id),
      relations: [...n.relations],
      depth: n.depth,
      events: [...n.events].sort(byTime),
    })),
    edges: [...edges.values()],
    events: [...events.keys()].sort(byTime).map((id) => events.get(id) as E),
    truncated: limits.size > 0,
    limits: [...limits],
  };
}
