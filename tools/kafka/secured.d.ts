// Types for secured.js (see there).
import type { StartOptions } from './broker';

export declare const SECURITY_PROPERTIES: Readonly<Record<string, string>>;
export declare const SUPER_USER: string;
export declare function securedBrokerOptions(options: {
  port: number;
  adminPassword: string;
  users?: readonly { username: string; password: string }[];
  /** A JAAS file with broker.KafkaServer and controller.KafkaServer sections, instead of properties. */
  jaasFile?: string;
}): StartOptions & { sasl: { mechanism: 'scram-sha-512'; username: string; password: string } };
