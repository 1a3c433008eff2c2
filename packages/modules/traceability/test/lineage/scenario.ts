// A realistic tea supply chain: farm (茶园) → processor → inspection lab → logistics → retailer, as EPCIS 2.0
// events. Used by the lineage tests; each event's ID is its CBV 2.0 event hash.
import { eventHash } from '../../src/index.js';
import type { EpcisEventLike, StoredEvent } from '../../src/lineage/index.js';

export const CONTEXT = [
  'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
  { xl: 'https://xinlian.example.cn/epcis/' },
];

export const ID = {
  farmLot: 'urn:epc:class:lgtin:6901234.012345.TEA2024A',
  processedLot: 'urn:epc:class:lgtin:6902345.054321.P2024-05',
  tin: (n: number) => `urn:epc:id:sgtin:6902345.054322.${n}`,
  case: 'urn:epc:id:sscc:6902345.0000000101',
  otherCase: 'urn:epc:id:sscc:6902345.0000000999',
  crate: 'urn:epc:id:grai:6904567.00001.C7',
  blendingRun: 'urn:epc:id:gdti:6902345.00001.T1',
  packagingRun: 'urn:epc:id:gdti:6902345.00001.T2',
  farm: 'urn:epc:id:sgln:6901234.00001.0',
  processor: 'urn:epc:id:sgln:6902345.00001.0',
  lab: 'urn:epc:id:sgln:6903456.00001.0',
  hub: 'urn:epc:id:sgln:6904567.00001.0',
  store: 'urn:epc:id:sgln:6905678.00001.0',
  farmParty: 'urn:epc:id:pgln:6901234.00000',
  processorParty: 'urn:epc:id:pgln:6902345.00000',
  retailerParty: 'urn:epc:id:pgln:6905678.00000',
};
const tins = [1, 2, 3, 4].map(ID.tin);

const at = (local: string) => ({ eventTime: `${local}:00.000+08:00`, eventTimeZoneOffset: '+08:00' });

/** Events by name (who captures each one is in `org`). */
export const EVENTS: Record<string, { org: string; event: EpcisEventLike }> = {
  harvest: {
    org: 'farm',
    event: {
      type: 'ObjectEvent',
      ...at('2024-04-20T08:00'),
      quantityList: [{ epcClass: ID.farmLot, quantity: 500, uom: 'KGM' }],
      action: 'ADD',
      bizStep: 'commissioning',
      disposition: 'active',
      readPoint: { id: ID.farm },
      ilmd: { 'cbvmda:harvestStartDate': '2024-04-20', 'xl:variety': '龙井43' },
    },
  },
  farmShipping: {
    org: 'farm',
    event: {
      type: 'ObjectEvent',
      ...at('2024-04-21T09:00'),
      quantityList: [{ epcClass: ID.farmLot, quantity: 480, uom: 'KGM' }],
      action: 'OBSERVE',
      bizStep: 'shipping',
      disposition: 'in_transit',
      readPoint: { id: ID.farm },
      sourceList: [{ type: 'owning_party', source: ID.farmParty }],
      destinationList: [{ type: 'owning_party', destination: ID.processorParty }],
    },
  },
  processorReceiving: {
    org: 'processor',
    event: {
      type: 'ObjectEvent',
      ...at('2024-04-21T15:00'),
      quantityList: [{ epcClass: ID.farmLot, quantity: 480, uom: 'KGM' }],
      action: 'OBSERVE',
      bizStep: 'receiving',
      disposition: 'in_progress',
      readPoint: { id: ID.processor },
    },
  },
  processing: {
    org: 'processor',
    event: {
      type: 'TransformationEvent',
      ...at('2024-04-22T10:00'),
      inputQuantityList: [{ epcClass: ID.farmLot, quantity: 480, uom: 'KGM' }],
      outputQuantityList: [{ epcClass: ID.processedLot, quantity: 120, uom: 'KGM' }],
      transformationID: ID.blendingRun,
      bizStep: 'commissioning',
      readPoint: { id: ID.processor },
    },
  },
  labInspection: {
    org: 'lab',
    event: {
      type: 'ObjectEvent',
      ...at('2024-04-23T11:00'),
      certificationInfo: 'https://lab.example.cn/reports/2024-0423-17',
      quantityList: [{ epcClass: ID.processedLot, quantity: 0.5, uom: 'KGM' }],
      action: 'OBSERVE',
      bizStep: 'inspecting',
      disposition: 'conformant',
      readPoint: { id: ID.lab },
      sensorElementList: [
        {
          sensorMetadata: {
            time: '2024-04-23T10:30:00.000+08:00',
            deviceID: 'urn:epc:id:giai:6903456.GC-MS-2',
          },
          sensorReport: [
            {
              type: 'MassConcentration',
              chemicalSubstance: 'https://identifiers.org/inchikey:NCCGTCPEGFLSEL-UHFFFAOYSA-N',
              value: 0.01,
              uom: 'M1',
            },
            { type: 'RelativeHumidity', value: 6.2, uom: 'P1' },
          ],
        },
      ],
    },
  },
  packagingInputs: {
    org: 'processor',
    event: {
      type: 'TransformationEvent',
      ...at('2024-04-24T09:00'),
      inputQuantityList: [{ epcClass: ID.processedLot, quantity: 1, uom: 'KGM' }],
      transformationID: ID.packagingRun,
      bizStep: 'commissioning',
      readPoint: { id: ID.processor },
    },
  },
  packagingOutputs: {
    org: 'processor',
    event: {
      type: 'TransformationEvent',
      ...at('2024-04-24T09:30'),
      outputEPCList: tins,
      transformationID: ID.packagingRun,
      bizStep: 'commissioning',
      readPoint: { id: ID.processor },
      ilmd: { 'cbvmda:bestBeforeDate': '2026-04-24' },
    },
  },
  packing: {
    org: 'processor',
    event: {
      type: 'AggregationEvent',
      ...at('2024-04-24T12:00'),
      parentID: ID.case,
      childEPCs: tins,
      action: 'ADD',
      bizStep: 'packing',
      readPoint: { id: ID.processor },
    },
  },
  crateEarlierLoad: {
    org: 'logistics',
    event: {
      type: 'AggregationEvent',
      ...at('2024-04-10T08:00'),
      parentID: ID.crate,
      childEPCs: [ID.otherCase],
      action: 'ADD',
      bizStep: 'loading',
      readPoint: { id: ID.hub },
    },
  },
  crateEarlierTrip: {
    org: 'logistics',
    event: {
      type: 'ObjectEvent',
      ...at('2024-04-11T08:00'),
      epcList: [ID.crate],
      action: 'OBSERVE',
      bizStep: 'transporting',
      readPoint: { id: 'geo:30.2741,120.1551' },
    },
  },
  crateEarlierUnload: {
    org: 'logistics',
    event: {
      type: 'AggregationEvent',
      ...at('2024-04-12T08:00'),
      parentID: ID.crate,
      childEPCs: [ID.otherCase],
      action: 'DELETE',
      bizStep: 'unloading',
      readPoint: { id: ID.hub },
    },
  },
  loading: {
    org: 'logistics',
    event: {
      type: 'AggregationEvent',
      ...at('2024-04-25T08:00'),
      parentID: ID.crate,
      childEPCs: [ID.case],
      action: 'ADD',
      bizStep: 'loading',
      readPoint: { id: ID.processor },
    },
  },
  shipping: {
    org: 'logistics',
    event: {
      type: 'ObjectEvent',
      ...at('2024-04-25T08:30'),
      epcList: [ID.crate],
      action: 'OBSERVE',
      bizStep: 'shipping',
      disposition: 'in_transit',
      readPoint: { id: ID.processor },
      bizTransactionList: [
        { type: 'desadv', bizTransaction: 'urn:epcglobal:cbv:bt:6902345000002:ASN-2024-0425' },
      ],
      sourceList: [{ type: 'owning_party', source: ID.processorParty }],
      destinationList: [{ type: 'owning_party', destination: ID.retailerParty }],
    },
  },
  transporting: {
    org: 'logistics',
    event: {
      type: 'ObjectEvent',
      ...at('2024-04-25T12:00'),
      epcList: [ID.crate],
      action: 'OBSERVE',
      bizStep: 'transporting',
      readPoint: { id: 'geo:30.5928,114.3055' },
      sensorElementList: [
        {
          sensorMetadata: { startTime: '2024-04-25T08:30:00+08:00', endTime: '2024-04-25T12:00:00+08:00' },
          sensorReport: [{ type: 'Temperature', minValue: 3.8, maxValue: 6.1, meanValue: 4.2, uom: 'CEL' }],
        },
      ],
    },
  },
  retailReceiving: {
    org: 'retailer',
    event: {
      type: 'ObjectEvent',
      ...at('2024-04-25T18:00'),
      epcList: [ID.crate],
      action: 'OBSERVE',
      bizStep: 'receiving',
      disposition: 'in_progress',
      readPoint: { id: ID.store },
    },
  },
  unloading: {
    org: 'retailer',
    event: {
      type: 'AggregationEvent',
      ...at('2024-04-25T18:10'),
      parentID: ID.crate,
      childEPCs: [ID.case],
      action: 'DELETE',
      bizStep: 'unloading',
      readPoint: { id: ID.store },
    },
  },
  unpacking: {
    org: 'retailer',
    event: {
      type: 'AggregationEvent',
      ...at('2024-04-26T09:00'),
      parentID: ID.case,
      childEPCs: tins,
      action: 'DELETE',
      bizStep: 'unpacking',
      disposition: 'sellable_accessible',
      readPoint: { id: ID.store },
    },
  },
  sale2: {
    org: 'retailer',
    event: {
      type: 'ObjectEvent',
      ...at('2024-04-27T15:00'),
      epcList: [ID.tin(2)],
      action: 'OBSERVE',
      bizStep: 'retail_selling',
      disposition: 'retail_sold',
      readPoint: { id: ID.store },
    },
  },
  sale3: {
    org: 'retailer',
    event: {
      type: 'ObjectEvent',
      ...at('2024-04-28T10:00'),
      epcList: [ID.tin(3)],
      action: 'OBSERVE',
      bizStep: 'retail_selling',
      disposition: 'retail_sold',
      readPoint: { id: ID.store },
    },
  },
  crateLaterLoad: {
    org: 'logistics',
    event: {
      type: 'AggregationEvent',
      ...at('2024-05-01T08:00'),
      parentID: ID.crate,
      childEPCs: [ID.otherCase],
      action: 'ADD',
      bizStep: 'loading',
      readPoint: { id: ID.hub },
    },
  },
};

export interface ScenarioEvent extends StoredEvent {
  readonly name: string;
  readonly org: string;
}

/** The scenario's events as stored records (ID = CBV 2.0 event hash). */
export function scenarioRecords(): ScenarioEvent[] {
  return Object.entries(EVENTS).map(([name, { org, event }]) => ({
    id: eventHash(event, { context: CONTEXT }),
    name,
    org,
    event,
  }));
}
