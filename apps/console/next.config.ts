import type { NextConfig } from 'next';

/**
 * A static export served by the Needle server at `/console` (docs/adr/0023): no Next server
 * at run time, every page a client component talking to the same origin's `/trpc`. Pages
 * with a subject take it from the query string (`/console/collections/detail/?name=docs`),
 * since dynamic segments would need a server.
 */
const config: NextConfig = {
  output: 'export',
  basePath: '/console',
  trailingSlash: true,
  reactStrictMode: true,
  poweredByHeader: false,
  images: { unoptimized: true },
};

export default config;
