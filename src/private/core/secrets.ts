import { Token } from 'cdktf';
import { Site } from './validation';

/** Names that usually hold credentials. */
const SECRET_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|(^|_)AUTH(_|$)/i;

/** Warns about plain values under secret-looking names, or URLs carrying credentials. */
export function warnIfSecretLooking(site: Site, property: string, values: { [name: string]: string }, where: string, fix: string): void {
  for (const [name, value] of Object.entries(values)) {
    if (Token.isUnresolved(value)) {
      continue;
    }
    if (SECRET_NAME.test(name) || /:\/\/[^/@\s]+:[^/@\s]+@/.test(value)) {
      site.warn(`'${property}.${name}' looks like a secret and ${where}. ${fix}.`);
    }
  }
}
