import type { CDPSession, Page } from 'playwright-core';

type Credential = { credentialId: string; isResidentCredential: boolean; rpId?: string; privateKey: string; userHandle?: string; signCount: number };

/** One navigator.credentials.get() of the page, as the recorder in the page saw it. */
export interface PasskeyRequest {
  /** 'conditional' for the autofill list, 'optional' for a ceremony with the browser's dialog. */
  mediation: string;
  /** The page aborted it while it was pending (its AbortSignal fired). */
  aborted: boolean;
  /** null while pending, 'answered', or the name of the error it ended with. */
  outcome: string | null;
}

/**
 * Wraps navigator.credentials.get before the console's own scripts run, to record each request
 * (a page script: the server's tsconfig knows no DOM, so it travels as text).
 */
const RECORD_PASSKEY_REQUESTS = `(() => {
  const requests = [];
  window.passkeyRequests = requests;
  const get = navigator.credentials.get.bind(navigator.credentials);
  navigator.credentials.get = (options) => {
    const request = { mediation: (options && options.mediation) || 'optional', aborted: false, outcome: null };
    requests.push(request);
    if (options && options.signal) options.signal.addEventListener('abort', () => { if (request.outcome === null) request.aborted = true; });
    const answer = get(options);
    answer.then(() => { request.outcome = 'answered'; }, (error) => { request.outcome = error.name; });
    return answer;
  };
})()`;

/**
 * A passkey-capable device for one tab: Chromium's virtual authenticator over the DevTools protocol
 * (ctap2, internal, resident keys, user verification that says yes), and a record of the WebAuthn
 * requests the page makes.
 *
 * What the virtual authenticator does with a conditional request (the sign-in screen's autofill),
 * seen with Chromium 156: with automatic presence simulation on, it answers at once with the site's
 * discoverable credential, as a person picking that passkey from the autofill list would (with none,
 * it refuses at once: NotAllowedError); with it off, the request waits, as while nobody picks
 * anything. No list is drawn, so a test picks nothing: it chooses one of the two. While a request
 * waits, the browser refuses the next one at once ("A request is already pending") unless the page
 * aborted the first; and a dialog request made with presence simulation off waits for a touch until
 * its timeout (5 minutes), which is why a test must turn it on again before any button's ceremony.
 */
export class PasskeyDevice {
  private constructor(
    private readonly page: Page,
    private readonly cdp: CDPSession,
    private authenticatorId: string,
  ) {}

  /**
   * Plugs the device into the tab and reloads the page, so that its requests are recorded from the
   * start and go to the device (`answerAtOnce` as for answerAtOnce below, on by default).
   */
  static async attach(page: Page, { answerAtOnce = true } = {}): Promise<PasskeyDevice> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    const device = new PasskeyDevice(page, cdp, await addAuthenticator(cdp));
    await device.answerAtOnce(answerAtOnce);
    await page.context().addInitScript(RECORD_PASSKEY_REQUESTS);
    await page.reload();
    return device;
  }

  async credentials(): Promise<Credential[]> {
    return (await this.cdp.send('WebAuthn.getCredentials', { authenticatorId: this.authenticatorId })).credentials;
  }

  /** Another device in its place, holding no credential (presence simulation on again). */
  async replace(): Promise<void> {
    await this.cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: this.authenticatorId });
    this.authenticatorId = await addAuthenticator(this.cdp);
  }

  async addCredential(credential: Credential): Promise<void> {
    await this.cdp.send('WebAuthn.addCredential', { authenticatorId: this.authenticatorId, credential });
  }

  /** On: every request is answered at once, as by a person who touches the sensor. Off: requests wait. */
  async answerAtOnce(enabled: boolean): Promise<void> {
    await this.cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId: this.authenticatorId, enabled });
  }

  /** Every request the page made since it was attached, oldest first. */
  requests(): Promise<PasskeyRequest[]> {
    return this.page.evaluate('window.passkeyRequests') as Promise<PasskeyRequest[]>;
  }

  /** Waits until an autofill request is pending (started, neither aborted nor ended); answers how many requests came before it. */
  async pendingAutofill(): Promise<number> {
    // A function, not a string: the console's CSP forbids evaluating text in the page.
    const handle = await this.page.waitForFunction(() => {
      const requests = (globalThis as unknown as { passkeyRequests: PasskeyRequest[] }).passkeyRequests;
      return requests.findIndex((r) => r.mediation === 'conditional' && !r.aborted && r.outcome === null) + 1 || null;
    });
    return ((await handle.jsonValue()) as number) - 1;
  }
}

async function addAuthenticator(cdp: CDPSession): Promise<string> {
  const added = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return added.authenticatorId;
}
