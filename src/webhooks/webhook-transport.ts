import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { addressRefusal } from './utils/address-rules.util';

export const DELIVERY_TIMEOUT_MS = 10_000;
const EXCERPT_LENGTH = 256;

export class RefusedAddressError extends Error {}

export interface DeliveryAnswer {
  /** Null when no answer came (refused address, connection error, timeout). */
  status: number | null;
  /** The start of the answer's body, or what went wrong. */
  excerpt: string;
}

/**
 * The only way out to a webhook's URL. The host is resolved and every address it resolves to is
 * checked (addressRefusal) right before each request, and the connection goes to the address that
 * was checked, so a DNS answer that changes between the check and the connection cannot redirect
 * it. Redirects are not followed (a 3xx is not a 2xx), and the whole exchange has 10 seconds.
 */
@Injectable()
export class WebhookTransport {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** The host's addresses, when every one of them may be reached; RefusedAddressError otherwise. */
  async checkedAddresses(url: URL): Promise<Array<{ address: string; family: number }>> {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    let addresses: Array<{ address: string; family: number }>;
    try {
      addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true });
    } catch {
      throw new RefusedAddressError(`${host} does not resolve`);
    }
    for (const { address } of addresses) {
      const refusal = addressRefusal(address, this.config.webhookAllowPrivateNetworks);
      if (refusal) throw new RefusedAddressError(`${host} resolves to ${refusal}`);
    }
    return addresses;
  }

  async post(url: URL, headers: Record<string, string>, body: string): Promise<DeliveryAnswer> {
    let pinned: { address: string; family: number };
    try {
      [pinned] = await this.checkedAddresses(url);
    } catch (error) {
      if (error instanceof RefusedAddressError) return { status: null, excerpt: `refused: ${error.message}`.slice(0, EXCERPT_LENGTH) };
      throw error;
    }
    const pinnedLookup: LookupFunction = (_hostname, options, callback) => {
      if (options.all) callback(null, [pinned]);
      else callback(null, pinned.address, pinned.family);
    };
    return new Promise((resolve) => {
      const client = url.protocol === 'https:' ? https : http;
      const request = client.request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body).toString(), ...headers },
        lookup: pinnedLookup,
        agent: false,
      });
      const timer = setTimeout(() => request.destroy(new Error(`no answer within ${DELIVERY_TIMEOUT_MS / 1000} s`)), DELIVERY_TIMEOUT_MS);
      const finish = (answer: DeliveryAnswer) => {
        clearTimeout(timer);
        resolve({ status: answer.status, excerpt: answer.excerpt.slice(0, EXCERPT_LENGTH) });
      };
      request.on('error', (error) => finish({ status: null, excerpt: error.message }));
      request.on('response', (response) => {
        let excerpt = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          excerpt += chunk;
          // Only the start is kept: the rest of a large answer is not even read.
          if (excerpt.length >= EXCERPT_LENGTH) response.destroy();
        });
        response.on('close', () => finish({ status: response.statusCode ?? null, excerpt }));
      });
      request.end(body);
    });
  }
}
