/**
 * Lambda entry point of the region canary: run every minute by an EventBridge schedule, it sends one
 * tiny Converse request to Bedrock in its own region through the endpoint's first profile and publishes
 * `CanarySuccess`, `CanaryLatency` and `CanaryThrottles`, which the region's Route 53 health check
 * follows through a CloudWatch alarm.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { CanaryReport, createCanaryRuntime, runCanary } from './canary-runtime';
import { CANARY_CONFIG_ENV } from '../../lib/shared/canary-config';

// Created while the module loads (the init phase): configuration parsed once, client kept across runs.
const runtime = createCanaryRuntime({ configJson: process.env[CANARY_CONFIG_ENV], functionRegion: process.env.AWS_REGION });

/** The Lambda handler (asynchronous invocation by EventBridge). */
export const handler = (event: ScheduledEvent): Promise<CanaryReport> => runCanary(runtime, event);
