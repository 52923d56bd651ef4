const CREATED = /Interface '(.+)' was successfully created/;

/** The adapter `VBoxManage hostonlyif create` made, from its stdout; undefined when it says none. */
export function parseCreatedAdapter(stdout: string): string | undefined {
  return CREATED.exec(stdout)?.[1];
}
