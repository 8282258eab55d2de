import { useEffect, useState } from 'react';

/**
 * Hash routes (`#/account/two-factor`): the server serves one index.html and never needs to know
 * the console's paths.
 */
export function currentPath(): string {
  const path = window.location.hash.replace(/^#/, '').split('?')[0]!;
  return path.startsWith('/') ? path : '/';
}

/** The query after the hash route (`#/reset-password?token=…`), as mailed links carry it. */
export function currentQuery(): URLSearchParams {
  const hash = window.location.hash;
  return new URLSearchParams(hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '');
}

export function navigate(path: string): void {
  if (window.location.hash.replace(/^#/, '') !== path) window.location.hash = path;
}

export function usePath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const onChange = () => {
      setPath(currentPath());
      // Move focus to the new screen's heading, so keyboard and screen-reader users land on it.
      requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus());
    };
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return path;
}

/** Matches `/organizations/:id/members` against a path; returns the parameters or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const names: string[] = [];
  const regex = new RegExp(
    `^${pattern.replace(/:(\w+)/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    })}$`,
  );
  const match = regex.exec(path);
  if (!match) return null;
  return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
}

export function Link({ to, children, className }: { to: string; children: React.ReactNode; className?: string }) {
  return (
    <a href={`#${to}`} className={className}>
      {children}
    </a>
  );
}
