declare global {
  interface Window {
    parResult?: unknown;
    parError?: string;
  }
}

export {};
