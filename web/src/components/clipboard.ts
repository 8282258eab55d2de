import { useState } from 'react';

/** Copies a text to the clipboard and remembers how it went, for the 'Copied' or 'copy failed' line. */
export function useClipboard() {
  const [result, setResult] = useState<'copied' | 'failed' | null>(null);
  const copy = async (text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setResult('copied');
    } catch {
      setResult('failed');
    }
  };
  return { copy, result };
}
