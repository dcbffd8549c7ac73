import { ProviderFailure } from './providerFailure';
import type { VaultResponse } from './vaultHttpClient';

/** Reading Vault's JSON envelopes and turning unsuccessful answers into ProviderFailures. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Vault's `errors` list, each message flattened (multierror text) and cut; [] when there is none. */
export function vaultErrors(body: unknown): string[] {
  if (!isRecord(body) || !Array.isArray(body.errors)) return [];
  return body.errors.filter((item): item is string => typeof item === 'string').map(cleanVaultMessage);
}

/** "1 error occurred:\n\t* permission denied\n\n" becomes "permission denied"; control characters dropped. */
export function cleanVaultMessage(text: string): string {
  const bullets = [...text.matchAll(/^\s*\*\s*(.+)$/gm)].map((match) => match[1]?.trim() ?? '');
  const flat = [...(bullets.length > 0 ? bullets.join('; ') : text)]
    .map((char) => (char < ' ' || char === '\x7f' ? ' ' : char))
    .join('')
    .replace(/ +/g, ' ')
    .trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

export function vaultErrorText(response: VaultResponse): string {
  const errors = vaultErrors(response.body);
  return errors.length > 0 ? errors.join('; ') : `HTTP ${response.status}`;
}

/** A 403 whose errors say the token itself is bad (expired, revoked, unknown), not the policy. */
export function isInvalidToken(response: VaultResponse): boolean {
  return response.status === 403 && vaultErrors(response.body).some((message) => /invalid token|token is expired|bad token/i.test(message));
}

/**
 * The failure for an answer that is neither success nor an expected 404. `what` names the request
 * in words ("reading secret/data/app/stripe").
 */
export function failureFor(response: VaultResponse, what: string): ProviderFailure {
  const { status } = response;
  const text = vaultErrorText(response);
  if (status === 403) {
    return isInvalidToken(response)
      ? new ProviderFailure('error', `Vault rejected the token while ${what}: it is invalid or expired.`, 'invalidToken')
      : new ProviderFailure(
          'error',
          `Vault denied ${what}: permission denied (403). The token's policy does not allow it; ask a Vault administrator, or check the mount and pathPrefix settings.`,
          'permissionDenied',
        );
  }
  if (status === 503) return new ProviderFailure('unavailable', `Vault is not serving requests (503: ${sealedOr(text)}) while ${what}`);
  if (status === 429) return new ProviderFailure('unavailable', `Vault is rate-limiting requests (429) while ${what}`);
  if (status === 412) return new ProviderFailure('unavailable', `Vault has not reached consistency (412) while ${what}`);
  if (status === 501) return new ProviderFailure('unavailable', `Vault is not initialised (501) while ${what}`);
  if (status >= 500) return new ProviderFailure('unavailable', `Vault failed with ${status} (${text}) while ${what}`);
  if (response.notJson) return new ProviderFailure('unavailable', `the server answered ${status} with a body that is not JSON while ${what} (is the address a Vault server?)`);
  if (status === 400) return new ProviderFailure('error', `Vault refused ${what} as a bad request (400: ${text}).`);
  return new ProviderFailure('error', `Vault answered ${status} (${text}) while ${what}.`);
}

function sealedOr(text: string): string {
  return /sealed/i.test(text) ? 'Vault is sealed' : text;
}

/** A success whose body is not the JSON Vault sends means something other than Vault answered. */
export function requireJsonBody(response: VaultResponse, what: string): Record<string, unknown> {
  if (response.notJson) throw new ProviderFailure('unavailable', `the server answered with a body that is not JSON while ${what} (is the address a Vault server?)`);
  if (!isRecord(response.body)) throw new ProviderFailure('error', `Vault answered ${what} without the expected JSON object.`);
  return response.body;
}
