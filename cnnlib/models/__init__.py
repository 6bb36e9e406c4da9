"""The lecture's case-study networks as PyTorch modules, one module per family.

``lenet`` (LeNet-5), ``alexnet`` (AlexNet single-stream and two-group, ZFNet),
``vgg`` (configurations A to E as data), ``googlenet`` (inception v1),
``resnet`` (18 to 152 layers, and the plain-against-residual ``deep_stack``) and ``alphago`` (the policy network), built from
the shared ``blocks`` (conv-ReLU, conv-BN, LRN, the FC classifier). Nothing is
downloaded: every model starts from PyTorch's default random initialisation.
Build big ones under ``with torch.device("meta"):`` to count parameters or
read a summary without allocating their weights.
"""

from cnnlib.models.alexnet import AlexNet, ZFNet
from cnnlib.models.alphago import AlphaGoPolicy
from cnnlib.models.googlenet import GoogLeNet, Inception
from cnnlib.models.lenet import LeNet5
from cnnlib.models.resnet import BasicBlock, Bottleneck, PlainBlock, ResNet, deep_stack, resnet
from cnnlib.models.vgg import CONFIGS, VGG, vgg

__all__ = [
    "CONFIGS", "VGG", "AlexNet", "AlphaGoPolicy", "BasicBlock", "Bottleneck", "GoogLeNet", "Inception", "LeNet5",
    "PlainBlock", "ResNet", "ZFNet", "deep_stack", "resnet", "vgg",
]
