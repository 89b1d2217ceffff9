/** What an on-call engineer is told about each alarm, shared with the runbook. */
export interface InvokerAlarmGuide {
  readonly title: string;
  readonly meaning: string;
  readonly firstCheck: string;
  readonly action: string;
}

/**
 * The text behind every invoker alarm: the alarm description is `meaning` + `firstCheck`, and the
 * runbook prints all of it.
 *
 * @internal
 */
export const INVOKER_ALARM_GUIDE: Record<'failoverFrequency' | 'secondaryMajority' | 'latency' | 'errorRate' | 'throttleRate'
| 'rejectionRate' | 'functionFailures' | 'apiServerErrors', InvokerAlarmGuide> = {
  failoverFrequency: {
    title: 'Failover frequency',
    meaning: 'The invoker abandoned a region (throttle, 5xx, timeout) more often than expected.',
    firstCheck: 'Open the dashboard widget "Failovers and attempts": which region do the failovers start from, and are they throttles or errors? Then check the Bedrock service health page for that region.',
    action: 'If one region throttles, ask for a quota increase for the cross-region profile in that source region (Service Quotas) or lower its traffic; if it returns 5xx, let the invoker keep failing over and, if it persists, take the region out of DNS by inverting its health check.',
  },
  secondaryMajority: {
    title: 'Secondary regions serve the majority',
    meaning: 'For 15 minutes most requests of this invoker were served by a fallback region, not by its own.',
    firstCheck: 'Open "Which region is serving?" and "Errors and throttles by class" for this invoker\'s own region: is it throttled (quota), erroring, or has its circuit breaker stayed open?',
    action: 'Serving from a fallback region is working as designed but costs latency and headroom in that region. Fix the own region (quota, service event) or, if it will last, shift traffic with DNS (invert the own region\'s health check) so callers reach a healthy region directly.',
  },
  latency: {
    title: 'Latency regression',
    meaning: 'The p90 end-to-end latency of requests served through this invoker rose above its baseline for 15 minutes.',
    firstCheck: 'Compare "Latency p50/p90/p99" per serving region with "Time to first token": is one serving region slower (failover to a distant region), or did the prompts or outputs grow (tokens widgets)?',
    action: 'If a fallback region is serving, fix the own region first (see the secondary-majority alarm). If all regions are slower, check the Bedrock InvocationLatency widget: a model-side slowdown is for AWS Support; a change in request size is for the application team.',
  },
  errorRate: {
    title: 'Error rate in this region',
    meaning: 'More than the threshold share of Bedrock attempts in this source region ended in a server-side error (5xx, 529 overloaded, timeout, reset) for 10 minutes.',
    firstCheck: 'Check "Errors and throttles by class" and the native AWS/Bedrock InvocationServerErrors for this region, then the AWS Health Dashboard for Bedrock in this region.',
    action: 'The invoker already fails over per request. If the errors persist, take the region out of DNS by inverting its Route 53 health check and open a support case with request ids from the handler logs.',
  },
  throttleRate: {
    title: 'Throttle rate in this region',
    meaning: 'More than the threshold share of Bedrock attempts in this source region were throttled (429) for 10 minutes.',
    firstCheck: 'Compare the tokens-per-minute and requests-per-minute of the profile with the "Cross-region model inference tokens/requests per minute" quotas of this source region in Service Quotas.',
    action: 'Request a quota increase in this source region, spread traffic to other source regions (weights or fallback regions), or reduce max output tokens; throttles are not errors of the service.',
  },
  rejectionRate: {
    title: 'Bedrock rejects most requests in this region',
    meaning: 'More than the threshold share of Bedrock attempts in this source region were rejected as client errors (access denied, resource not found, validation) for 10 minutes. Failover cannot help: every region answers the same.',
    firstCheck: 'Search the handler logs for "Bedrock rejected the request" and read the error names. AccessDeniedException: model access is not enabled in a source or destination region, or an SCP or permission boundary denies one of the profile\'s destination regions (run check-scp). ResourceNotFoundException: the profile is not offered in this region. ValidationException: the callers send requests the model refuses.',
    action: 'Enable model access or fix the SCP so every destination region of the profile is allowed (generate-scp prints the statements); for validation errors, fix the callers. No DNS change helps.',
  },
  functionFailures: {
    title: 'Handler function failing or throttled',
    meaning: 'The invoker function crashed, timed out or was throttled (Lambda Errors + Throttles). The handler answers every request itself, so none of these are expected.',
    firstCheck: 'Open the function\'s metrics: Throttles point at exhausted concurrency (reserved concurrency, the account\'s regional limit during a failover surge); Errors at crashes or timeouts in the function logs.',
    action: 'For throttles, raise the reserved or account concurrency (Service Quotas) or the API stage throttling in front of it; for errors, roll back the last change and read the logs.',
  },
  apiServerErrors: {
    title: 'API answers with 5xx',
    meaning: 'More than the threshold share of the API\'s requests were answered with a 5xx for 10 minutes: no region could serve (503 AllRegionsFailed), the configuration is invalid (500), or the integration failed.',
    firstCheck: 'Read the error codes in the access logs and the handler logs: AllRegionsFailed means every planned region failed (see the error-rate alarms of each region), InvalidConfiguration or GeographyViolation a deployment problem, 502/504 without a handler log line an integration problem.',
    action: 'If every region fails, check the Bedrock service health of the geography and the quotas; if the configuration is invalid, redeploy the last good version.',
  },
};
