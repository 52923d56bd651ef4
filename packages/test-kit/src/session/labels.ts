/** Every container, volume and network the test kit makes carries these labels. */
export const LABEL_KIT = 'berth.testkit';
/** The test run (session) that owns the object. */
export const LABEL_RUN = 'berth.testkit.run';
/** `pid:starttime` of the owning process, so a later run can tell whether it is still alive. */
export const LABEL_OWNER = 'berth.testkit.owner';
