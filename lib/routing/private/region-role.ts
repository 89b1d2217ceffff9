import { RoutingPattern } from '../routing-pattern';

/** A region's role in an endpoint's routing, as the dashboard and the runbook name it: `primary`, `secondary <n>` or `active`. */
export function roleOf(routing: RoutingPattern, region: string): string {
  if (!routing.isActivePassive) { return 'active'; }
  const index = routing.regions.indexOf(region);
  return index === 0 ? 'primary' : `secondary ${index}`;
}
