import { describe, expect, it } from '@jest/globals';
import {
  auditHash,
  canonicalAuditPayload,
  GENESIS_HASH,
  verifyAuditChain,
} from '../../app/memory/audit-chain.js';
import { auditEventFields } from '../../app/memory/memory-input.js';
import type { AuditEvent, AuditEventInput } from '../../app/memory/memory-store.js';

/** A chain built the way the stores build it, one event a minute. */
function chainOf(inputs: readonly AuditEventInput[]): AuditEvent[] {
  let prevHash = GENESIS_HASH;
  return inputs.map((input, i) => {
    const { fields, payload } = auditEventFields(input, new Date(Date.UTC(2026, 10, 25, 9, i)));
    const hash = auditHash(prevHash, payload);
    const event: AuditEvent = { seq: i + 1, ...fields, payload, prevHash, hash };
    prevHash = hash;
    return event;
  });
}

const sixEvents = chainOf(
  Array.from({ length: 6 }, (_, i) => ({
    repo: 'acme/widgets',
    runId: i < 3 ? 'run-1' : null,
    actor: i % 2 ? 'agent:coder-1' : 'autodev',
    action: i % 2 ? 'agent.tool' : 'task.dispatched',
    detail: { step: i, files: ['src/a.ts'] },
  })),
);

const at = (seq: number): AuditEvent => {
  const event = sixEvents[seq - 1];
  if (!event) throw new Error(`no event ${seq}`);
  return event;
};

const kinds = (events: AuditEvent[]) => verifyAuditChain(events).problems.map((p) => [p.seq, p.kind]);

describe('the hash', () => {
  it('is sha256 hex of the previous hash, a newline and the payload in UTF-8', () => {
    // Computed independently: printf '%s\n%s' <64 zeros> '{"a":"é"}' | sha256sum
    expect(auditHash(GENESIS_HASH, '{"a":"é"}')).toBe(
      '6068d9d0ed366959da9c4e710ab356526d2235bd0ed5f3d0e22f86ac2cb30fa2',
    );
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  it('covers a canonical payload: same fields in any key order give the same bytes', () => {
    const a = canonicalAuditPayload({
      repo: 'acme/widgets',
      runId: null,
      actor: 'autodev',
      action: 'run.created',
      detail: { z: 1, a: { y: [2, { d: 1, c: 0 }], b: true } },
      at: '2026-11-25T09:00:00Z',
    });
    const b = canonicalAuditPayload({
      at: '2026-11-25T09:00:00.000Z',
      detail: { a: { b: true, y: [2, { c: 0, d: 1 }] }, z: 1 },
      action: 'run.created',
      actor: 'autodev',
      runId: null,
      repo: 'acme/widgets',
    });
    expect(a).toBe(b);
    expect(a).toBe(
      '{"action":"run.created","actor":"autodev","at":"2026-11-25T09:00:00.000Z",' +
        '"detail":{"a":{"b":true,"y":[2,{"c":0,"d":1}]},"z":1},"repo":"acme/widgets","runId":null}',
    );
  });
});

describe('verifyAuditChain', () => {
  it('accepts an untouched chain and reports its head', () => {
    expect(verifyAuditChain(sixEvents)).toEqual({
      ok: true,
      checked: 6,
      head: { seq: 6, hash: at(6).hash },
      problems: [],
    });
    expect(verifyAuditChain([])).toEqual({ ok: true, checked: 0, head: null, problems: [] });
    // Order of the input does not matter.
    expect(verifyAuditChain([...sixEvents].reverse()).ok).toBe(true);
  });

  it('finds a column edited after the row was written', () => {
    const edited = sixEvents.map((e) =>
      e.seq === 3 ? { ...e, actor: 'someone-else', detail: { step: 99 } } : e,
    );
    expect(verifyAuditChain(edited).problems).toEqual([
      {
        seq: 3,
        kind: 'edited',
        message: 'row 3: actor, detail differ from what its hash covers: edited after it was written',
      },
    ]);
    const retimed = sixEvents.map((e) => (e.seq === 2 ? { ...e, at: '2026-11-25T08:00:00.000Z' } : e));
    expect(kinds(retimed)).toEqual([[2, 'edited']]);
    const unlinked = sixEvents.map((e) => (e.seq === 2 ? { ...e, runId: 'run-9' } : e));
    expect(verifyAuditChain(unlinked).problems[0]?.message).toMatch(/^row 2: run_id differs/);
  });

  it('finds a payload edited to match edited columns, with or without its hash recomputed', () => {
    const forge = (e: AuditEvent, rehash: boolean): AuditEvent => {
      const payload = e.payload.replace('"step":3', '"step":30');
      return {
        ...e,
        detail: { ...e.detail, step: 30 },
        payload,
        hash: rehash ? auditHash(e.prevHash, payload) : e.hash,
      };
    };
    const kept = sixEvents.map((e) => (e.seq === 4 ? forge(e, false) : e));
    expect(verifyAuditChain(kept).problems).toEqual([
      {
        seq: 4,
        kind: 'edited',
        message: "row 4's hash does not match its payload: the payload or hash was edited",
      },
    ]);
    // Recomputing the edited row's hash moves the break to the next row.
    const rehashed = sixEvents.map((e) => (e.seq === 4 ? forge(e, true) : e));
    expect(verifyAuditChain(rehashed).problems).toEqual([
      {
        seq: 5,
        kind: 'broken-link',
        message:
          "row 5 does not follow row 4: its prev_hash is not that row's hash, so row 4 was replaced or rows " +
          'were deleted and renumbered',
      },
    ]);
  });

  it('finds deleted rows: a gap, the first rows, and rows deleted then renumbered', () => {
    const gap = sixEvents.filter((e) => e.seq !== 3 && e.seq !== 4);
    expect(verifyAuditChain(gap).problems).toEqual([
      { seq: 5, kind: 'deleted', message: 'rows 3–4 are missing before row 5' },
    ]);
    expect(verifyAuditChain(sixEvents.slice(1)).problems).toEqual([
      { seq: 2, kind: 'deleted', message: 'row 1 is missing before row 2' },
    ]);
    const renumbered = sixEvents.filter((e) => e.seq !== 2).map((e, i) => ({ ...e, seq: i + 1 }));
    expect(kinds(renumbered)).toEqual([[2, 'broken-link']]);
  });

  it('finds repeated rows', () => {
    expect(kinds([...sixEvents, { ...at(6) }])).toEqual([[6, 'out-of-order']]);
  });

  it('checks a later part of the chain from a known row, and against a head recorded earlier', () => {
    expect(verifyAuditChain(sixEvents.slice(3), { from: { seq: 3, hash: at(3).hash } }).ok).toBe(true);
    expect(kinds(sixEvents.slice(3))).toEqual([[4, 'deleted']]);

    const head = { seq: 6, hash: at(6).hash };
    expect(verifyAuditChain(sixEvents, { expectedHead: head }).ok).toBe(true);
    // Deleting the newest rows leaves a chain that is sound on its own; only the recorded head shows it.
    const truncated = sixEvents.slice(0, 4);
    expect(verifyAuditChain(truncated).ok).toBe(true);
    expect(verifyAuditChain(truncated, { expectedHead: head }).problems).toEqual([
      { seq: 6, kind: 'deleted', message: 'the chain ends at row 4 but reached row 6 before' },
    ]);
    expect(kinds(sixEvents.slice(0, 4))).toEqual([]);
    expect(
      verifyAuditChain(sixEvents, { expectedHead: { seq: 6, hash: 'f'.repeat(64) } }).problems.map(
        (p) => p.kind,
      ),
    ).toEqual(['edited']);
  });

  it('reports a payload that is not JSON', () => {
    const broken = sixEvents.map((e) =>
      e.seq === 1 ? { ...e, payload: 'not json', hash: auditHash(e.prevHash, 'not json') } : e,
    );
    expect(verifyAuditChain(broken).problems.map((p) => [p.seq, p.kind, p.message])).toEqual([
      [1, 'edited', "row 1's payload is not JSON: it was edited"],
      [2, 'broken-link', expect.stringMatching(/^row 2 does not follow row 1/)],
    ]);
  });
});
