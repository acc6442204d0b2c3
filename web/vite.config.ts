/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` serves on :5173 and forwards API calls and WebSockets to a `vitalis serve` on :8080
// (override with VITALIS_API=http://host:port). The chat's WebSocket keeps this page's Origin: start
// the server with --cors-origins=http://localhost:5173, or the chat falls back to polling.
const api = process.env.VITALIS_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { '/api': api, '/healthz': api, '/readyz': api, '/ws': { target: api, ws: true } },
    fs: { allow: ['..'] }, // the model cards live in ../models
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 600,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
  },
});
