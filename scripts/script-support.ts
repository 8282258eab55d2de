/** What the operator scripts (rolling restart, failover, PgBouncer run) share. */

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a GET of the URL answers 2xx (a health endpoint coming up or going away). */
export async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** Runs a script's main and exits with its code; a thrown error is printed as its message and exits 1. */
export function runScript(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
