import { describe, expect, it } from 'vitest';
import { InstanceBatcher, type InstanceView } from '../../src/instance-batcher.js';

const view = (instanceId: string, state = 'running'): InstanceView => ({
  instanceId,
  state,
  publicIp: '203.0.113.1',
  privateIp: '10.0.0.1',
  stateReason: '',
  spotInstanceRequestId: '',
});

function fake(known: string[]) {
  const calls: string[][] = [];
  const describe = async (ids: string[]) => {
    calls.push(ids);
    return new Map(ids.filter((id) => known.includes(id)).map((id) => [id, view(id)]));
  };
  return { calls, describe };
}

describe('InstanceBatcher', () => {
  it('sends lookups that arrive together as one call, and a missing instance does not fail the others', async () => {
    const { calls, describe } = fake(['i-1', 'i-2']);
    const batcher = new InstanceBatcher(describe);
    const [a, b, c] = await Promise.all([batcher.get('i-1'), batcher.get('i-2'), batcher.get('i-3')]);
    expect(calls).toEqual([['i-1', 'i-2', 'i-3']]);
    expect([a?.instanceId, b?.instanceId, c]).toEqual(['i-1', 'i-2', undefined]);
  });

  it('keeps collecting while lookups trickle in (and while the SDK loads), then reuses answers briefly', async () => {
    const { calls, describe } = fake(['i-1', 'i-2', 'i-3']);
    const batcher = new InstanceBatcher(describe, { prepare: () => new Promise((r) => setTimeout(r, 30)) });
    const first = batcher.get('i-1');
    await new Promise((r) => setTimeout(r, 15));
    const second = batcher.get('i-2');
    await new Promise((r) => setTimeout(r, 20));
    const third = batcher.get('i-3');
    await Promise.all([first, second, third]);
    expect(calls).toEqual([['i-1', 'i-2', 'i-3']]);
    await batcher.get('i-2');
    expect(calls).toHaveLength(1);
    batcher.invalidate('i-2');
    await batcher.get('i-2');
    expect(calls).toEqual([['i-1', 'i-2', 'i-3'], ['i-2']]);
  });

  it('rejects every waiter of a failed call, and an aborted lookup alone', async () => {
    const batcher = new InstanceBatcher(async () => {
      throw new Error('DescribeInstances failed: AuthFailure');
    });
    const controller = new AbortController();
    const aborted = batcher.get('i-9', controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(aborted).rejects.toThrow('cancelled');
    await expect(Promise.all([batcher.get('i-1'), batcher.get('i-2')])).rejects.toThrow('AuthFailure');
  });

  it('splits very long id lists into calls of at most maxIds, sent together', async () => {
    const ids = Array.from({ length: 450 }, (_, i) => `i-${i}`);
    const { calls, describe } = fake(ids);
    const batcher = new InstanceBatcher(describe, { maxIds: 200 });
    await Promise.all(ids.map((id) => batcher.get(id)));
    expect(calls.map((c) => c.length)).toEqual([200, 200, 50]);
  });
});
