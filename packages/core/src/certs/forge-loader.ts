/** The node-forge module, loaded on first use so commands that never issue certificates never load it. */
export type Forge = typeof import('node-forge');

let loaded: Promise<Forge> | undefined;

export function loadForge(): Promise<Forge> {
  loaded ??= import('node-forge').then((module) => module.default);
  return loaded;
}
