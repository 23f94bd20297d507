// What /version reports: the Kubernetes release whose API Wheelhouse serves.
export const KUBE_VERSION = { major: '1', minor: '35', patch: '0' };

export const VERSION_INFO = {
  major: KUBE_VERSION.major,
  minor: KUBE_VERSION.minor,
  emulationMajor: KUBE_VERSION.major,
  emulationMinor: KUBE_VERSION.minor,
  minCompatibilityMajor: KUBE_VERSION.major,
  minCompatibilityMinor: String(Number(KUBE_VERSION.minor) - 1),
  gitVersion: `v${KUBE_VERSION.major}.${KUBE_VERSION.minor}.${KUBE_VERSION.patch}`,
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: `node${process.versions.node}`,
  compiler: 'wheelhouse',
  platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};
