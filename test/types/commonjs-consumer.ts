/** Compile-only: every entry of the package resolves and types under CommonJS with moduleResolution node10. */
import { createClient, ReplyError } from 'respool';
import { ConnPool } from 'respool/pool';
import { RespDecoder } from 'respool/resp';
import { instrumentClient } from 'respool/otel';
import { registerPoolMetrics } from 'respool/prometheus';

export const entries = [createClient, ReplyError, ConnPool, RespDecoder, instrumentClient, registerPoolMetrics];

export async function typed(): Promise<number> {
  const client = createClient();
  const [count] = await client.pipeline().incr('n').exec();
  return count instanceof ReplyError ? 0 : count;
}
