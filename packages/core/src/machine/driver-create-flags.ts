import type { CreateFlag } from '@berth/driver-protocol';
import type { BerthContext } from './berth-context.js';

/** The create flags driver `driverName` declares in its handshake (`create -d NAME --help`). */
export async function driverCreateFlags(ctx: BerthContext, driverName: string): Promise<readonly CreateFlag[]> {
  return (await ctx.drivers.get(driverName)).description.createFlags;
}
