import { DEFAULT_HARDENING, hardeningOf, renderRuntime, STOP_MARGIN_SECONDS } from '../../src/private/docker/runtime';

describe('renderRuntime', () => {
  test('the secure defaults: the image user, read-only root with a 64 MiB noexec /tmp, no privileges, graceful timeout + margin', () => {
    expect(DEFAULT_HARDENING).toEqual({
      runAsNonRoot: true, readOnlyRootFilesystem: true, tmpSizeMiB: 64, noNewPrivileges: true, dropAllCapabilities: true,
    });
    expect(renderRuntime({ user: '10001:10001', gracefulTimeoutSeconds: 30 })).toEqual({
      user: '10001:10001',
      readOnlyRootFilesystem: true,
      tmpfs: { '/tmp': 'rw,noexec,nosuid,nodev,size=64m' },
      securityOpts: ['no-new-privileges:true'],
      capDrop: ['ALL'],
      stopSignal: 'SIGTERM',
      stopTimeoutSeconds: 30 + STOP_MARGIN_SECONDS,
    });
    expect(STOP_MARGIN_SECONDS).toBe(5);
  });

  test('each relaxation turns off exactly its own setting', () => {
    const relaxed = renderRuntime({ user: '10001:10001', gracefulTimeoutSeconds: 7 }, {
      runAsNonRoot: false, readOnlyRootFilesystem: false, tmpSizeMiB: 64, noNewPrivileges: false, dropAllCapabilities: false,
    });
    expect(relaxed).toEqual({
      user: '0:0', readOnlyRootFilesystem: false, tmpfs: undefined, securityOpts: undefined, capDrop: undefined, stopSignal: 'SIGTERM', stopTimeoutSeconds: 12,
    });
    expect(renderRuntime({ user: '1:1', gracefulTimeoutSeconds: 0 }, { ...DEFAULT_HARDENING, tmpSizeMiB: 8 }).tmpfs).toEqual({ '/tmp': 'rw,noexec,nosuid,nodev,size=8m' });
  });
});

describe('hardeningOf', () => {
  test('takes each setting the props give, and the secure default for the rest', () => {
    expect(hardeningOf({})).toEqual(DEFAULT_HARDENING);
    expect(hardeningOf({ tmpSizeMiB: 8, dropAllCapabilities: false })).toEqual({ ...DEFAULT_HARDENING, tmpSizeMiB: 8, dropAllCapabilities: false });
    expect(hardeningOf({ runAsNonRoot: false, readOnlyRootFilesystem: false, noNewPrivileges: false, tmpSizeMiB: undefined })).toEqual({
      runAsNonRoot: false, readOnlyRootFilesystem: false, tmpSizeMiB: 64, noNewPrivileges: false, dropAllCapabilities: true,
    });
  });
});
