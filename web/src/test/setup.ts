import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';
import { queryClient } from '../api/query';

// Each test starts with nothing loaded, as a fresh page would.
afterEach(() => {
  cleanup();
  queryClient.clear();
});
