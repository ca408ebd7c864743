// The environment variables of the MQTT settings (mqtt-credentials.ts reads them), apart from the reader and
// its schema so that a command's `--help` can name them without loading either.

/** Environment variables, each overriding the same setting of the config file. */
export const mqttEnvironment = {
  config: 'TIKAR_MQTT_CONFIG',
  url: 'TIKAR_MQTT_URL',
  username: 'TIKAR_MQTT_USERNAME',
  password: 'TIKAR_MQTT_PASSWORD',
  passwordFile: 'TIKAR_MQTT_PASSWORD_FILE',
  caFile: 'TIKAR_MQTT_CA_FILE',
  certFile: 'TIKAR_MQTT_CERT_FILE',
  keyFile: 'TIKAR_MQTT_KEY_FILE',
} as const;
