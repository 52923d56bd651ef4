/** A user the guest's first boot makes able to log in (cloud-init `users:`, boot2docker's `docker`). */
export interface GuestLogin {
  name: string;
  /** OpenSSH public key lines for ~/.ssh/authorized_keys. */
  sshAuthorizedKeys: string[];
  /** sudoers rules (`ALL=(ALL) NOPASSWD:ALL`); empty: no sudo. */
  sudoRules: string[];
  /** Supplementary groups that exist in the image are joined; others are skipped. */
  groups: string[];
  shell?: string;
}

/** How the setup script finds one NIC: by the address docker gave it, then sets its MAC. */
export interface NicSetup {
  dockerIp: string;
  mac: string;
  /** false: the NIC has no lease, the guest drops the address docker had to give it. */
  keepIp: boolean;
}

export interface GuestSetup {
  hostname: string;
  logins: GuestLogin[];
  nics: NicSetup[];
}

/** A word for `sh`, whatever it holds. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A script and boot unit that give each NIC its MAC (and drop an address it must not have) at
 * every boot: docker sets a MAC on the first network only, and a reboot from inside brings the
 * container back with docker's MACs on the others.
 */
function nicBootUnit(nics: NicSetup[]): string[] {
  const script = ['#!/bin/sh'];
  for (const nic of nics) {
    script.push(
      `dev=$(ip -o -4 addr show | awk -v ip=${shellQuote(nic.dockerIp)} '{ split($4, a, "/"); if (a[1] == ip) print $2 }' | head -n 1)`,
      `[ -n "$dev" ] || { echo "no interface holds ${nic.dockerIp}" >&2; exit 1; }`,
      `ip link set dev "$dev" address ${shellQuote(nic.mac)}`,
    );
    if (!nic.keepIp) script.push('ip -4 addr flush dev "$dev"');
  }
  const unit = [
    '[Unit]',
    'Description=Give the NICs the MACs of the simulated VM',
    'DefaultDependencies=no',
    'Before=network-pre.target ssh.service',
    '',
    '[Service]',
    'Type=oneshot',
    'ExecStart=/usr/local/sbin/berth-guest-nics',
    '',
    '[Install]',
    'WantedBy=sysinit.target',
  ];
  return [
    `cat > /usr/local/sbin/berth-guest-nics <<'BERTH_NICS'\n${script.join('\n')}\nBERTH_NICS`,
    'chmod 755 /usr/local/sbin/berth-guest-nics',
    `cat > /etc/systemd/system/berth-guest-nics.service <<'BERTH_UNIT'\n${unit.join('\n')}\nBERTH_UNIT`,
    'mkdir -p /etc/systemd/system/sysinit.target.wants',
    'ln -sf /etc/systemd/system/berth-guest-nics.service /etc/systemd/system/sysinit.target.wants/berth-guest-nics.service',
  ];
}

/**
 * The script run in the guest at each power-on (idempotent), doing what the media asks: what
 * cloud-init's users/ssh/hostname modules do for a seed, what boot2docker's automount does with
 * its disk tar. It first waits for the image's boot unit to replace Docker's bind-mounted
 * /etc/hostname by a plain file, so the hostname written here is the one that stays.
 */
export function guestSetupScript(setup: GuestSetup): string {
  const lines = ['set -eu', ...nicBootUnit(setup.nics), '/usr/local/sbin/berth-guest-nics'];
  const host = shellQuote(setup.hostname);
  lines.push(
    'i=0',
    `while grep -qE ' /etc/(hostname|hosts) ' /proc/self/mountinfo; do i=$((i + 1)); [ "$i" -lt 200 ] || break; sleep 0.1; done`,
    `printf '%s\\n' ${host} > /etc/hostname`,
    `hostname ${host}`,
    `grep -q "^127.0.1.1 " /etc/hosts && sed -i "s/^127.0.1.1 .*/127.0.1.1 "${host}"/" /etc/hosts || printf '127.0.1.1 %s\\n' ${host} >> /etc/hosts || true`,
  );
  for (const login of setup.logins) {
    const user = shellQuote(login.name);
    const shell = shellQuote(login.shell ?? '/bin/bash');
    lines.push(
      `if ! id -u ${user} >/dev/null 2>&1; then`,
      `  if getent group ${user} >/dev/null; then useradd -m -s ${shell} -g ${user} ${user}; else useradd -m -s ${shell} -U ${user}; fi`,
      'fi',
    );
    for (const group of login.groups) {
      lines.push(`getent group ${shellQuote(group)} >/dev/null && usermod -a -G ${shellQuote(group)} ${user} || true`);
    }
    lines.push(
      `home=$(getent passwd ${user} | cut -d: -f6)`,
      `install -d -m 700 -o ${user} -g "$(id -g ${user})" "$home/.ssh"`,
      `printf '%s\\n' ${login.sshAuthorizedKeys.map(shellQuote).join(' ')} > "$home/.ssh/authorized_keys"`,
      `chown ${user}:"$(id -g ${user})" "$home/.ssh/authorized_keys"`,
      `chmod 600 "$home/.ssh/authorized_keys"`,
    );
    const sudoers = `/etc/sudoers.d/90-guest-${login.name.replace(/[^a-z0-9_-]/g, '_')}`;
    if (login.sudoRules.length > 0) {
      const rules = login.sudoRules.map((rule) => shellQuote(`${login.name} ${rule}`)).join(' ');
      lines.push(`printf '%s\\n' ${rules} > ${sudoers}`, `chmod 440 ${sudoers}`);
    } else {
      lines.push(`rm -f ${sudoers}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
