// MQTT topic names (docs/mqtt.md). Ids are plain tokens: never a child's name or NIK, never MQTT wildcards.

const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

/** Throws (a configuration error) when a village or posyandu id could break out of its topic level. */
export function checkTopicId(option: string, id: string): string {
  if (!idPattern.test(id)) {
    throw new RangeError(`${option} must be 1-64 characters of A-Z a-z 0-9 _ - (got ${JSON.stringify(id)})`);
  }
  return id;
}

export interface PosyanduTopics {
  measurements: string;
  children: string;
  receipts: string;
  status: string;
  register: string;
  registerSync: string;
}

export function posyanduTopics(villageId: string, posyanduId: string): PosyanduTopics {
  checkTopicId('village', villageId);
  checkTopicId('posyandu', posyanduId);
  const base = `tikar/v1/${villageId}/${posyanduId}`;
  return {
    measurements: `${base}/measurements`,
    children: `${base}/children`,
    receipts: `${base}/receipts`,
    status: `${base}/status`,
    ...villageTopics(villageId),
  };
}

export function villageTopics(villageId: string) {
  checkTopicId('village', villageId);
  const base = `tikar/v1/${villageId}`;
  return {
    /** Record → gateways: every child known in the village (gateways merge it). */
    register: `${base}/register`,
    /** Gateways → record: "send me the register changed since …". */
    registerSync: `${base}/register/sync`,
    /** What the record subscribes to. */
    allMeasurements: `${base}/+/measurements`,
    allChildren: `${base}/+/children`,
    receiptsOf: (posyanduId: string) => `${base}/${checkTopicId('posyandu', posyanduId)}/receipts`,
    /** District → village record: the completeness check's questions. */
    inventoryAsk: `${base}/inventory/ask`,
    /** Village record → district: its answers. */
    inventoryAnswer: `${base}/inventory/answer`,
  };
}

/**
 * What a record subscribes to: one village's posyandu, or every village (`villageId` undefined: the district).
 * With `shareGroup`, as an MQTT shared subscription (`$share/{group}/…`): the broker hands each message to one
 * of the group's workers.
 */
export function recordSubscriptions(villageId: string | undefined, shareGroup?: string) {
  const village = villageId === undefined ? '+' : checkTopicId('village', villageId);
  const share = shareGroup === undefined ? '' : `$share/${checkTopicId('share group', shareGroup)}/`;
  return {
    measurements: `${share}tikar/v1/${village}/+/measurements`,
    children: `${share}tikar/v1/${village}/+/children`,
    registerSync: `${share}tikar/v1/${village}/register/sync`,
  };
}

/** The village id inside a topic `tikar/v1/{village}/…`. */
export function villageOfTopic(topic: string): string | undefined {
  const parts = topic.split('/');
  return parts.length >= 4 && parts[0] === 'tikar' && parts[1] === 'v1' ? parts[2] : undefined;
}

/** The posyandu id inside a topic `tikar/v1/{village}/{posyandu}/…`, if the topic has that shape. */
export function posyanduOfTopic(topic: string): string | undefined {
  const parts = topic.split('/');
  return parts.length === 5 && parts[0] === 'tikar' && parts[1] === 'v1' ? parts[3] : undefined;
}
