import { describe, expect, it } from 'vitest';
import { InFlightCreates } from '../../src/in-flight-creates.js';

describe('InFlightCreates', () => {
  it("lets a remove wait for its machine's create, whether it succeeds or fails", async () => {
    const creates = new InFlightCreates();
    const order: string[] = [];
    let finish: (value: string) => void = () => undefined;
    const created = creates.run('/m/a', () => new Promise<string>((resolve) => (finish = resolve)));
    const removed = creates.settled('/m/a').then(() => order.push('remove'));
    await creates.settled('/m/other');
    order.push('other machine');
    finish('config');
    expect(await created).toBe('config');
    await removed;
    expect(order).toEqual(['other machine', 'remove']);

    const failing = creates.run('/m/a', () => Promise.reject(new Error('boot failed')));
    await expect(failing).rejects.toThrow('boot failed');
    await expect(creates.settled('/m/a')).resolves.toBeUndefined();
  });
});
