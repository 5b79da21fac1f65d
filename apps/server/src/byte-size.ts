const UNITS: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1e3,
  kib: 2 ** 10,
  m: 2 ** 20,
  mb: 1e6,
  mib: 2 ** 20,
  g: 2 ** 30,
  gb: 1e9,
  gib: 2 ** 30,
  tb: 1e12,
  tib: 2 ** 40,
};

/** `10MiB`, `512MB`, `1.5gb`, `64k` or plain bytes; undefined when it is none of those. */
export function parseByteSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]+)?$/i.exec(text.trim().replaceAll('_', ''));
  if (!match) return undefined;
  const unit = UNITS[(match[2] ?? 'b').toLowerCase()];
  return unit === undefined ? undefined : Math.round(Number(match[1]) * unit);
}
