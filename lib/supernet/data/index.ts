// The supernet's image data: the ImageDataset type, the validation split, and the Fashion-MNIST /
// CIFAR-10 loaders with their file-format readers. Re-exports only.
export * from './image-dataset';
export * from './idx';
export * from './tar';
export * from './fashion-mnist';
export * from './cifar10-folder';
