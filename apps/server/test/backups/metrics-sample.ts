/** The value of one sample of a Prometheus exposition, e.g. `needle_ready` or `x{a="b"}`. */
export function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}
