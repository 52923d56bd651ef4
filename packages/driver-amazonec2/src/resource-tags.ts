import type { Tag } from '@aws-sdk/client-ec2';

/** Tag every resource Berth makes carries: who made it. */
export const TAG_MANAGED_BY = 'berth:managed-by';
/** The machine name the resource belongs to. */
export const TAG_MACHINE = 'berth:machine';
/** The machine's random `Id`: finds what an interrupted call made, and nothing of another machine. */
export const TAG_MACHINE_ID = 'berth:machine-id';

/** Berth's marker tags for a machine's resources (plus `Name`). */
export function berthTags(machineName: string, machineId: string, name = machineName): Tag[] {
  return [
    { Key: 'Name', Value: name },
    { Key: TAG_MANAGED_BY, Value: 'berth' },
    { Key: TAG_MACHINE, Value: machineName },
    { Key: TAG_MACHINE_ID, Value: machineId },
  ];
}

/** `--amazonec2-tags k1,v1,k2,v2` → tags (the flag is validated when the machine is configured). */
export function userTags(tags: string): Tag[] {
  const parts = tags ? tags.split(',') : [];
  const result: Tag[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) result.push({ Key: parts[i], Value: parts[i + 1] });
  return result;
}

/** Whether a resource's tags say Berth made it. */
export function madeByBerth(tags: readonly Tag[] | undefined): boolean {
  return (tags ?? []).some((tag) => tag.Key === TAG_MANAGED_BY && tag.Value === 'berth');
}
