/** Replaces every occurrence of a credential in a text with `[redacted]`. */
export function redactSecret(message: string, secret: string | undefined): string {
  if (!secret || secret.length < 4) return message;
  return message.split(secret).join('[redacted]');
}
