#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { buildSampleApp } from './sample-app';

buildSampleApp(new App());
