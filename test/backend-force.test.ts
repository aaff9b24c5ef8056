import { describe, expect, it } from 'vitest';
import { initBackend } from '../lib/backend';

describe('initBackend with a forced backend', () => {
  it('rejects an unknown backend name, naming the allowed ones', async () => {
    await expect(initBackend({ force: 'tpu', quiet: true })).rejects.toThrow(
      'unknown TF.js backend "tpu" in DNAS_BACKEND (allowed: tensorflow-gpu, tensorflow, wasm, cpu)',
    );
  });
});
