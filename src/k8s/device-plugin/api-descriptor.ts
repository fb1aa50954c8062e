/**
 * The device plugin API of api.proto as a protobuf.js JSON descriptor, so that the compiled program
 * needs no .proto file at run time. api.proto is the readable source; device-plugin.test.ts checks
 * that both encode every message to the same bytes. Regenerate after editing api.proto with:
 *   node -e "console.log(JSON.stringify(require('protobufjs').loadSync('src/k8s/device-plugin/api.proto').toJSON()))"
 */
export const API_DESCRIPTOR = {
  nested: {
    v1beta1: {
      options: {
        go_package: 'k8s.io/kubelet/pkg/apis/deviceplugin/v1beta1',
      },
      nested: {
        Registration: {
          methods: {
            Register: {
              requestType: 'RegisterRequest',
              responseType: 'Empty',
            },
          },
        },
        DevicePluginOptions: {
          fields: {
            preStartRequired: {
              type: 'bool',
              id: 1,
            },
            getPreferredAllocationAvailable: {
              type: 'bool',
              id: 2,
            },
          },
        },
        RegisterRequest: {
          fields: {
            version: {
              type: 'string',
              id: 1,
            },
            endpoint: {
              type: 'string',
              id: 2,
            },
            resourceName: {
              type: 'string',
              id: 3,
            },
            options: {
              type: 'DevicePluginOptions',
              id: 4,
            },
          },
        },
        Empty: {
          fields: {},
        },
        DevicePlugin: {
          methods: {
            GetDevicePluginOptions: {
              requestType: 'Empty',
              responseType: 'DevicePluginOptions',
            },
            ListAndWatch: {
              requestType: 'Empty',
              responseType: 'ListAndWatchResponse',
              responseStream: true,
            },
            GetPreferredAllocation: {
              requestType: 'PreferredAllocationRequest',
              responseType: 'PreferredAllocationResponse',
            },
            Allocate: {
              requestType: 'AllocateRequest',
              responseType: 'AllocateResponse',
            },
            PreStartContainer: {
              requestType: 'PreStartContainerRequest',
              responseType: 'PreStartContainerResponse',
            },
          },
        },
        ListAndWatchResponse: {
          fields: {
            devices: {
              rule: 'repeated',
              type: 'Device',
              id: 1,
            },
          },
        },
        TopologyInfo: {
          fields: {
            nodes: {
              rule: 'repeated',
              type: 'NUMANode',
              id: 1,
            },
          },
        },
        NUMANode: {
          fields: {
            ID: {
              type: 'int64',
              id: 1,
            },
          },
        },
        Device: {
          fields: {
            ID: {
              type: 'string',
              id: 1,
            },
            health: {
              type: 'string',
              id: 2,
            },
            topology: {
              type: 'TopologyInfo',
              id: 3,
            },
          },
        },
        PreStartContainerRequest: {
          fields: {
            devicesIds: {
              rule: 'repeated',
              type: 'string',
              id: 1,
            },
          },
        },
        PreStartContainerResponse: {
          fields: {},
        },
        PreferredAllocationRequest: {
          fields: {
            containerRequests: {
              rule: 'repeated',
              type: 'ContainerPreferredAllocationRequest',
              id: 1,
            },
          },
        },
        ContainerPreferredAllocationRequest: {
          fields: {
            availableDeviceIDs: {
              rule: 'repeated',
              type: 'string',
              id: 1,
            },
            mustIncludeDeviceIDs: {
              rule: 'repeated',
              type: 'string',
              id: 2,
            },
            allocationSize: {
              type: 'int32',
              id: 3,
            },
          },
        },
        PreferredAllocationResponse: {
          fields: {
            containerResponses: {
              rule: 'repeated',
              type: 'ContainerPreferredAllocationResponse',
              id: 1,
            },
          },
        },
        ContainerPreferredAllocationResponse: {
          fields: {
            deviceIDs: {
              rule: 'repeated',
              type: 'string',
              id: 1,
            },
          },
        },
        AllocateRequest: {
          fields: {
            containerRequests: {
              rule: 'repeated',
              type: 'ContainerAllocateRequest',
              id: 1,
            },
          },
        },
        ContainerAllocateRequest: {
          fields: {
            devicesIds: {
              rule: 'repeated',
              type: 'string',
              id: 1,
            },
          },
        },
        CDIDevice: {
          fields: {
            name: {
              type: 'string',
              id: 1,
            },
          },
        },
        AllocateResponse: {
          fields: {
            containerResponses: {
              rule: 'repeated',
              type: 'ContainerAllocateResponse',
              id: 1,
            },
          },
        },
        ContainerAllocateResponse: {
          fields: {
            envs: {
              keyType: 'string',
              type: 'string',
              id: 1,
            },
            mounts: {
              rule: 'repeated',
              type: 'Mount',
              id: 2,
            },
            devices: {
              rule: 'repeated',
              type: 'DeviceSpec',
              id: 3,
            },
            annotations: {
              keyType: 'string',
              type: 'string',
              id: 4,
            },
            cdiDevices: {
              rule: 'repeated',
              type: 'CDIDevice',
              id: 5,
            },
          },
        },
        Mount: {
          fields: {
            containerPath: {
              type: 'string',
              id: 1,
            },
            hostPath: {
              type: 'string',
              id: 2,
            },
            readOnly: {
              type: 'bool',
              id: 3,
            },
          },
        },
        DeviceSpec: {
          fields: {
            containerPath: {
              type: 'string',
              id: 1,
            },
            hostPath: {
              type: 'string',
              id: 2,
            },
            permissions: {
              type: 'string',
              id: 3,
            },
          },
        },
      },
    },
  },
} as const;
