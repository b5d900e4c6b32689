/**
 * The sandbox's simulated controllers, started together: TALM on the hub, and per spoke the OCM work
 * agent and LCA. They share one simulated clock; pausing stops their queues and freezes that clock.
 */
import type { Pausable } from '../control';
import type { ControllerContext } from './context';
import { CguController } from './cgu-controller';
import { IbguController } from './ibgu-controller';
import { Lca } from './lca';
import { WorkAgent } from './work-agent';

import type { SimClock } from './clock';

export { SimClock } from './clock';
export type { ControllerContext } from './context';

export interface Controllers extends Pausable {
  stop(): void;
  /** True while any controller has queued work (timers in simulated time do not count). */
  readonly busy: boolean;
  /** The simulated clock, read only: its time, and how long it has stood still for the controllers' work. */
  readonly clock: Pick<SimClock, 'now' | 'heldWallMs' | 'secondsPerMinute'>;
}

export function startControllers(ctx: ControllerContext): Controllers {
  // TALM's two controllers, the IBGU one first: a CGU's change queues its owner IBGU before the CGU itself.
  const ibgus = new IbguController(ctx);
  const cgus = new CguController(ctx);
  const agent = new WorkAgent(ctx);
  const lca = new Lca(ctx);
  const all = [ibgus, cgus, agent, lca];
  return {
    get paused() {
      return ctx.clock.paused;
    },
    get busy() {
      return all.some((c) => c.busy);
    },
    clock: ctx.clock,
    pause() {
      ctx.clock.pause();
      for (const c of all) c.pause();
    },
    resume() {
      for (const c of all) c.resume();
      ctx.clock.resume();
    },
    stop() {
      for (const c of all) c.stop();
      ctx.clock.stop();
    },
  };
}
